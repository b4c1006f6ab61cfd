import { ENTITY_DEFINITIONS } from '../functions/exports/entities';
import { findExportJob } from '../functions/exports/export-job-repository';
import { scanSegments } from '../functions/exports/source-repository';
import { runJobLeg } from '../functions/exports/worker';

/**
 * One export job in a process of its own (bench/exports.ts bundles it as the worker ships and runs it
 * with the bench's environment: DynamoDB Local, s3rver, table names), so that the memory measured
 * is the export's and not the bench's. It runs the queued job's leg as the worker does (claim,
 * parallel Scan → rows → writer → multipart upload, complete) with a whole invocation's time, and
 * prints one line of JSON: the segment count the worker chose, rows, bytes, wall and CPU seconds of
 * the leg, and memory: the process's peak RSS sampled every 20 ms with process.memoryUsage.rss() (heapUsed every 100 ms; and the
 * growth of both over the level just before the leg, after the modules loaded) and, as a check,
 * the kernel's high-water mark (getrusage maxrss), which also sees a peak between two samples.
 */
async function main() {
  const id = process.argv[2];
  if (!id) throw new Error('usage: export-job.ts <job id>');
  const job = await findExportJob(id);
  if (!job) throw new Error(`No export job ${id}`);
  // What the worker will choose for this job (it asks the same question of the same table).
  const segments = await scanSegments(ENTITY_DEFINITIONS[job.entity]);

  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  let ticks = 0;
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    // The heap's size takes longer to ask for (a walk of its spaces): every 100 ms.
    if (ticks++ % 5 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(sample, 20);
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await runJobLeg(job, { awsRequestId: 'bench', getRemainingTimeInMillis: () => 15 * 60_000 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  clearInterval(timer);
  sample();

  const done = await findExportJob(id);
  if (done?.status !== 'succeeded') throw new Error(`Export ${id} ended ${done?.status}: ${done?.error}`);
  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  process.stdout.write(
    `${JSON.stringify({
      segments,
      rowCount: done.rowCount,
      bytes: done.bytes,
      seconds,
      cpuSeconds: (used.user + used.system) / 1e6,
      peakRssMb: mb(peakRss),
      peakHeapMb: mb(peakHeap),
      rssGrowthMb: mb(peakRss - before.rss),
      heapGrowthMb: mb(peakHeap - before.heapUsed),
      maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
    })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
