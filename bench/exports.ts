import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { median, round } from './stats';

/**
 * Export jobs (functions/exports) over `rows` orders written straight into DynamoDB Local. Each format
 * runs as the worker runs it — its own segment count (sized to the table), parallel Scan with a page
 * prefetched per segment → row mapper → writer → S3 multipart upload with parts in parallel, to
 * s3rver in a process of its own — in a child process that runs only the export (bench/export-job.ts),
 * so its memory is the export's: peak RSS sampled every 20 ms, and the kernel's high-water mark.
 * Before and after every export, in this process, a raw parallel Scan of the same items: the same
 * Scan requests (segments, filter, projection) through the low-level client, each segment asking
 * for its next page as soon as one arrives, nothing mapped, written or uploaded. Each export is
 * compared with the scans on either side of it, what the engine delivered at that moment, so the
 * ratio holds on a noisy shared machine; the CPU of DynamoDB Local, s3rver and the whole machine
 * is read from /proc, to show which of them limits the pace.
 */
const ORDER_STATUSES = ['pending_payment', 'paid', 'fulfilling', 'shipped', 'delivered', 'completed', 'cancelled'];
const FORMATS = ['csv', 'jsonl', 'parquet'] as const;
const ROOT = join(__dirname, '..');
/** Goals of issue 19. */
const ROWS_PER_SECOND_GOAL = 10_000;
const RATIO_GOAL = 0.9;
const PEAK_RSS_GOAL_MB = 256;
/** Rounds of the three formats (BENCH_EXPORT_ROUNDS): each format runs this many times. */
const EXPORT_ROUNDS = Math.max(1, Number(process.env.BENCH_EXPORT_ROUNDS ?? 5));

async function startS3(): Promise<{ endpoint: string; bucket: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(__dirname, 's3-server.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code})`)));
  });
  return { ...(JSON.parse(line) as { endpoint: string; bucket: string }), child };
}

/** Writes `rows` order items (two lines each) with BatchWriteItem, 8 batches in flight. */
async function seedOrders(rows: number): Promise<void> {
  const { documentClient, tableName } = await import('../functions/shared/db');
  const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const { orderKeys } = await import('../functions/shared/keys');
  const { newId } = await import('../functions/shared/ids');
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  let next = 0;
  const worker = async () => {
    while (next < rows) {
      const start = next;
      next = Math.min(rows, next + 25);
      const items = [];
      for (let i = start; i < next; i++) {
        const id = newId();
        const createdAt = new Date(base + i * 1_000).toISOString();
        const status = ORDER_STATUSES[i % ORDER_STATUSES.length]!;
        const total = 1_000 + (i % 97) * 25;
        items.push({
          PutRequest: {
            Item: {
              ...orderKeys.byId(id),
              ...orderKeys.byStatus(status, createdAt, id),
              ...orderKeys.byCustomer(`CUST${i % 5_000}`, createdAt, id),
              entityType: 'order',
              id,
              status,
              customerId: `CUST${i % 5_000}`,
              currency: 'EUR',
              lines: [
                { productId: `P${i % 300}`, sku: `SKU-${i % 300}`, name: `Bench item ${i % 300}`, quantity: 1, unitPrice: { amount: total - 500, currency: 'EUR' } },
                { productId: `P${(i + 1) % 300}`, sku: `SKU-${(i + 1) % 300}`, name: 'Bench, "quoted" item', quantity: 1, unitPrice: { amount: 500, currency: 'EUR' } },
              ],
              total,
              paidAmount: status === 'pending_payment' || status === 'cancelled' ? 0 : total,
              outstanding: 0,
              refundedAmount: 0,
              refundable: 0,
              version: 1,
              createdAt,
              updatedAt: createdAt,
              updatedBy: 'staff:bench',
              requestId: 'bench',
              sourceIp: '198.51.100.7',
            },
          },
        });
      }
      let request: Record<string, typeof items> | undefined = { [tableName()]: items };
      while (request && Object.keys(request).length > 0) {
        const result = await documentClient.send(new BatchWriteCommand({ RequestItems: request }));
        request = result.UnprocessedItems as typeof request;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Runs `fn` while sampling this process's memory; peaks and growth over the level before it, in MB. */
async function sampled<T>(fn: () => Promise<T>) {
  global.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const t = process.hrtime.bigint();
  try {
    const value = await fn();
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
    return { value, seconds, peakRssMb: mb(peakRss), rssGrowthMb: mb(peakRss - before.rss), heapGrowthMb: mb(peakHeap - before.heapUsed) };
  } finally {
    clearInterval(timer);
  }
}

/** What bench/export-job.ts prints. */
interface ChildRun {
  segments: number;
  rowCount: number;
  bytes: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  peakHeapMb: number;
  rssGrowthMb: number;
  heapGrowthMb: number;
  maxRssMb: number;
}

/**
 * bench/export-job.ts bundled as the worker ships (esbuild with the deployed options, minified), so
 * the export's process holds what a Lambda container holds and not tsx's loader and its sources.
 */
async function bundleExportJob(): Promise<string> {
  const { bundle } = await import('./bundles');
  return (await bundle('export-job', join(__dirname, 'export-job.ts'), join(__dirname, '.work', 'bundles'))).file;
}

/** Runs the queued job in a Node process of its own (the bundled job, the bench's environment). */
function exportInChild(bundleFile: string, jobId: string): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundleFile, jobId], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildRun);
      else reject(new Error(`The export process exited with ${code}: ${err.slice(-2_000)}`));
    });
  });
}

/** CPU time one process has used so far (user + system, all its threads), in seconds, from /proc. */
function ownCpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3 (state) on
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime
}

/** The process ids started by a process, and by those, and so on (from /proc). */
function descendantsOf(pid: number): number[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
  return children.flatMap((child) => [child, ...descendantsOf(child)]);
}

/**
 * CPU time a process and its descendants have used so far, in seconds: s3rver runs under tsx, which
 * starts the Node process that does the work.
 */
function cpuSecondsOf(pid: number): number {
  return [pid, ...descendantsOf(pid)].reduce((sum, id) => sum + ownCpuSecondsOf(id), 0);
}

/** CPU seconds the whole machine has been busy so far (every core; not idle, not waiting on I/O). */
function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number); // skips idle and iowait
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface ProcessCpu {
  perThousandRows: number;
  /** CPU seconds per wall second. */
  cores: number;
}
const perThousand = (cpuSeconds: number, rows: number, seconds: number): ProcessCpu => ({ perThousandRows: (cpuSeconds / rows) * 1_000, cores: cpuSeconds / seconds });

/** `enginePid`: DynamoDB Local's process, whose CPU each run reports. */
export async function measureExports(rows: number, enginePid: number) {
  const s3 = await startS3();
  Object.assign(process.env, { AWS_ENDPOINT_URL_S3: s3.endpoint, EXPORTS_BUCKET: s3.bucket });
  try {
    console.log(`  seeding ${rows} orders…`);
    const seeding = await sampled(() => seedOrders(rows));
    const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
    const { bulkReadClient } = await import('../functions/shared/db');
    const { ENTITY_DEFINITIONS } = await import('../functions/exports/entities');
    const { planExport, queueExport, objectKeyOf } = await import('../functions/exports/jobs');
    const { SEGMENT_BYTES, scanRequest, scanSegments } = await import('../functions/exports/source-repository');
    const { newId } = await import('../functions/shared/ids');
    // The worker's choice for this table, asked the same way (bench/export-job.ts reports what it used).
    const segments = await scanSegments(ENTITY_DEFINITIONS.order);
    const request = scanRequest(ENTITY_DEFINITIONS.order, {});
    const raw = bulkReadClient(); // the worker's own kind of client (it runs in another process)
    const jobBundle = await bundleExportJob();

    const scanOnly = () =>
      sampled(async () => {
        let count = 0;
        await Promise.all(
          Array.from({ length: segments }, async (_, segment) => {
            let key: Record<string, unknown> | undefined;
            do {
              const page = await raw.send(
                new ScanCommand({
                  TableName: request.table,
                  Segment: segment,
                  TotalSegments: segments,
                  FilterExpression: request.filter,
                  ProjectionExpression: request.projection,
                  ExpressionAttributeNames: request.names,
                  ...(request.values ? { ExpressionAttributeValues: request.values } : {}),
                  ...(key ? { ExclusiveStartKey: key as never } : {}),
                }),
              );
              count += page.Items?.length ?? 0;
              key = page.LastEvaluatedKey;
            } while (key);
          }),
        );
        return count;
      });

    const exportAs = async (format: (typeof FORMATS)[number]) => {
      const id = newId();
      const ctx = { actor: 'staff:bench', requestId: 'bench', sourceIp: '127.0.0.1', at: new Date().toISOString() };
      await queueExport({ id, entity: 'order', format, filter: undefined, plan: planExport(ENTITY_DEFINITIONS.order, undefined, ['*']), objectKey: objectKeyOf(id, format) }, ctx);
      return exportInChild(jobBundle, id);
    };

    const timedScan = async () => {
      const engineBefore = cpuSecondsOf(enginePid);
      const machineBefore = machineBusySeconds();
      const clientBefore = process.cpuUsage();
      const scan = await scanOnly();
      const client = process.cpuUsage(clientBefore);
      return {
        items: scan.value,
        rowsPerSecond: scan.value / scan.seconds,
        engine: perThousand(cpuSecondsOf(enginePid) - engineBefore, scan.value, scan.seconds),
        client: perThousand((client.user + client.system) / 1e6, scan.value, scan.seconds),
        machineCores: (machineBusySeconds() - machineBefore) / scan.seconds,
      };
    };

    await scanOnly(); // warms the client, the code paths and DynamoDB Local
    // Scan, export, scan, export, …, scan: every export lies between two scans, and its ratio is its
    // rows/s over the mean of those two, so it is compared with what the engine delivered just
    // before and just after it. ROUNDS rounds of every format, the order rotated from round to round
    // (each format takes each place once in three); a format's ratio is the median of its runs'.
    // A median of paired ratios, because DynamoDB Local's own pace drifts by up to a third over
    // minutes (docs/decisions.md): a best or a single run picks up the drift, a pair mostly cancels it.
    const scans = [await timedScan()];
    const runs: Array<ChildRun & { format: (typeof FORMATS)[number]; engine: ProcessCpu; s3: ProcessCpu; machineCores: number; ratio: number }> = [];
    for (let round = 0; round < EXPORT_ROUNDS; round++) {
      for (let i = 0; i < FORMATS.length; i++) {
        const format = FORMATS[(round + i) % FORMATS.length]!;
        console.log(`  exporting as ${format} in a process of its own (round ${round + 1} of ${EXPORT_ROUNDS})…`);
        const engineBefore = cpuSecondsOf(enginePid);
        const s3Before = cpuSecondsOf(s3.child.pid!);
        const machineBefore = machineBusySeconds();
        const started = performance.now();
        const run = await exportAs(format);
        // Cores over the wall time of the whole child (its start included), as the CPU was read around it.
        const wallSeconds = (performance.now() - started) / 1_000;
        const machineCores = (machineBusySeconds() - machineBefore) / wallSeconds;
        const engine = perThousand(cpuSecondsOf(enginePid) - engineBefore, run.rowCount, wallSeconds);
        const s3Used = perThousand(cpuSecondsOf(s3.child.pid!) - s3Before, run.rowCount, wallSeconds);
        if (run.segments !== segments) throw new Error(`The export used ${run.segments} segments, the baseline ${segments}`);
        const before = scans.at(-1)!;
        const after = await timedScan();
        scans.push(after);
        runs.push({ ...run, format, engine, s3: s3Used, machineCores, ratio: run.rowCount / run.seconds / ((before.rowsPerSecond + after.rowsPerSecond) / 2) });
      }
    }
    const formats = FORMATS.map((format) => {
      const own = runs.filter((run) => run.format === format);
      return {
        format,
        runs: own.length,
        rowCount: own[0]!.rowCount,
        bytes: own[0]!.bytes,
        /** Medians of the runs. */
        seconds: round(median(own.map((run) => run.seconds)), 2),
        rowsPerSecond: Math.round(median(own.map((run) => run.rowCount / run.seconds))),
        ratioToScan: round(median(own.map((run) => run.ratio))),
        /** Every run's rows/s and ratio, in the order they ran. */
        runRowsPerSecond: own.map((run) => Math.round(run.rowCount / run.seconds)),
        runRatios: own.map((run) => round(run.ratio)),
        /** Rows per CPU-second of the export process (what sizes the Lambda function's memory): the fewest of the runs. */
        rowsPerCpuSecond: Math.round(Math.min(...own.map((run) => run.rowCount / run.cpuSeconds))),
        /** DynamoDB Local's and s3rver's CPU while the export ran (medians): seconds per 1,000 rows, and cores. */
        engineCpuPerThousandRows: round(median(own.map((run) => run.engine.perThousandRows)), 3),
        engineCores: round(median(own.map((run) => run.engine.cores))),
        s3CpuPerThousandRows: round(median(own.map((run) => run.s3.perThousandRows)), 3),
        s3Cores: round(median(own.map((run) => run.s3.cores))),
        /** The export process's own CPU, in cores (median), and the whole machine's busy cores while it ran. */
        exportCores: round(median(own.map((run) => run.cpuSeconds / run.seconds))),
        machineCores: round(median(own.map((run) => run.machineCores))),
        /** In the export's own process, the highest of the runs: sampled peak RSS, and the kernel's high-water mark. */
        peakRssMb: Math.max(...own.map((run) => run.peakRssMb)),
        maxRssMb: Math.max(...own.map((run) => run.maxRssMb)),
        peakHeapMb: Math.max(...own.map((run) => run.peakHeapMb)),
        rssGrowthMb: Math.max(...own.map((run) => run.rssGrowthMb)),
        heapGrowthMb: Math.max(...own.map((run) => run.heapGrowthMb)),
      };
    });
    raw.destroy();
    return {
      rows,
      segments,
      /** The worker's sizing: one segment per this many MiB of the table. */
      segmentMiB: SEGMENT_BYTES / 1024 / 1024,
      seedRowsPerSecond: Math.round(rows / seeding.seconds),
      scan: {
        items: scans[0]!.items,
        /** Every scan's rows/s, in the order they ran (the first before the first export). */
        runRowsPerSecond: scans.map((scan) => Math.round(scan.rowsPerSecond)),
        /** DynamoDB Local's CPU while the scans ran (medians): seconds per 1,000 rows, and cores. */
        engineCpuPerThousandRows: round(median(scans.map((scan) => scan.engine.perThousandRows)), 3),
        engineCores: round(median(scans.map((scan) => scan.engine.cores))),
        /** The bench process's CPU while it scans (the low-level client's decoding of every page). */
        clientCpuPerThousandRows: round(median(scans.map((scan) => scan.client.perThousandRows)), 3),
        clientCores: round(median(scans.map((scan) => scan.client.cores))),
        /** The whole machine's busy cores while the scans ran (median). */
        machineCores: round(median(scans.map((scan) => scan.machineCores))),
      },
      formats,
    };
  } finally {
    s3.child.kill('SIGTERM');
  }
}

type ExportsResult = Awaited<ReturnType<typeof measureExports>>;
type FormatResult = ExportsResult['formats'][number];

const fastEnough = (f: FormatResult) => f.rowsPerSecond >= ROWS_PER_SECOND_GOAL || f.ratioToScan >= RATIO_GOAL;
/** The larger of the sampled peak and the kernel's high-water mark. */
const peakOf = (f: FormatResult) => Math.max(f.peakRssMb, f.maxRssMb);
const n = (value: number) => value.toLocaleString('en');

/** The two rows of the report's targets table (`| target | measured | met |`). */
export function exportsTargetRows(r: ExportsResult): string[] {
  const yes = (ok: boolean) => (ok ? 'yes' : '**no**');
  return [
    `| export of ${n(r.rows)} orders ≥ ${n(ROWS_PER_SECOND_GOAL)} rows/s, or ≥ ${RATIO_GOAL} × a raw parallel Scan of the same segments in the same run (median of ${r.formats[0]?.runs ?? 0} runs, each against the scans just before and after it) | ${r.formats
      .map((f) => `${f.format} ${f.ratioToScan} × (${n(f.rowsPerSecond)} rows/s)`)
      .join(', ')}; scans ${n(Math.min(...r.scan.runRowsPerSecond))}–${n(Math.max(...r.scan.runRowsPerSecond))} rows/s; ${r.segments} segments | ${yes(r.formats.every(fastEnough))} |`,
    `| export memory: peak RSS ≤ ${PEAK_RSS_GOAL_MB} MB exporting ${n(r.rows)} orders, in a process of its own | ${r.formats
      .map((f) => `${f.format} ${peakOf(f)} MB`)
      .join(', ')} | ${yes(r.formats.every((f) => peakOf(f) <= PEAK_RSS_GOAL_MB))} |`,
  ];
}

/** The report's section on exports: one paragraph on the method, the table, and the scans. */
export function exportsReportLines(r: ExportsResult): string[] {
  const cores = availableParallelism();
  return [
    '## Exports',
    '',
    `${n(r.rows)} orders written straight into DynamoDB Local (two lines each, ${n(r.seedRowsPerSecond)} items/s with BatchWriteItem); then export jobs run as the worker runs them, each in a Node process of its own that runs nothing but the export (bench/export-job.ts, bundled with the options the worker ships with: esbuild, minified): ${r.segments} parallel Scan segments (the worker's choice for this table: one per ${r.segmentMiB} MiB of it, at most 16), each asking for its next page while the current one is mapped and written → format writer → S3 multipart upload to s3rver (a process of its own), 8 MiB parts, up to 4 at once. Between every two exports, and before the first and after the last, the bench process runs a raw parallel Scan of the same items — the same requests (segments, filter, projection) through the low-level DynamoDB client, each segment asking for its next page as soon as one arrives, nothing mapped, written or uploaded. ${r.formats[0]?.runs ?? 1} rounds of the three formats, their order rotated each round. A run's ratio = its rows/s over the mean of the scans just before and after it; a format's ratio and rows/s are the medians of its runs (every run in the table). Paired and median, because DynamoDB Local's own pace drifts by up to a third within minutes. CPU from /proc (every thread, and s3rver's child processes) while each export and each scan ran: DynamoDB Local's per 1,000 rows, and the cores busy in the export's process, DynamoDB Local, s3rver and the whole machine — the export's processes share the machine's cores with the engine, the raw Scan's client barely uses any. Memory in the export's process, the highest of the runs: RSS sampled every 20 ms with \`process.memoryUsage.rss()\` and the kernel's high-water mark (getrusage), the whole process (Node, the SDK, the export) — not a growth over a level. Rows per CPU-second: rows over the export process's CPU time (user + system), the fewest of the runs, what sizes the worker's Lambda memory (docs/decisions.md).`,
    '',
    `| format | rows | file | rows/s (runs) | ratio to the scans around it (runs) | export rows per CPU-second | DynamoDB Local CPU per 1,000 rows | cores busy: export / DynamoDB Local / s3rver / machine (of ${cores}) | peak RSS (sampled / kernel) | heap peak |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.formats.map(
      (f) =>
        `| ${f.format} | ${n(f.rowCount)} | ${round(f.bytes / 1024 / 1024, 1)} MB | ${n(f.rowsPerSecond)} (${f.runRowsPerSecond.map(n).join(', ')}) | **${f.ratioToScan}** (${f.runRatios.join(', ')}) | ${n(f.rowsPerCpuSecond)} | ${f.engineCpuPerThousandRows} s | ${f.exportCores} / ${f.engineCores} / ${f.s3Cores} / ${f.machineCores} | ${f.peakRssMb} / ${f.maxRssMb} MB | ${f.peakHeapMb} MB |`,
    ),
    '',
    `Raw Scans, in the order they ran: ${r.scan.runRowsPerSecond.map(n).join(', ')} rows/s. DynamoDB Local's CPU per 1,000 rows while they ran: ${r.scan.engineCpuPerThousandRows} s; the bench process's (the low-level client): ${r.scan.clientCpuPerThousandRows} s; cores busy: DynamoDB Local ${r.scan.engineCores}, the bench process ${r.scan.clientCores}, the machine ${r.scan.machineCores} (of ${cores}).`,
    '',
  ];
}
