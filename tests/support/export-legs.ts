/**
 * Drives export jobs leg by leg, as the stream would: the worker and the job repository are imported on
 * first use, so a test file sets its environment (S3 endpoint, bucket, part size) before they load.
 */

/** A Lambda context whose time runs out after `calls` questions (then it answers 0 ms left). */
export function contextWithin(calls: number) {
  let asked = 0;
  return { awsRequestId: `req-${Math.random()}`, getRemainingTimeInMillis: () => (++asked <= calls ? 600_000 : 0) };
}

/** Runs the job's legs until it is no longer pending; each leg's time runs out after `callsPerLeg` questions. */
export async function runExportToEnd(id: string, callsPerLeg: number, options: { segments: number; pageLimit: number }) {
  const { findExportJob } = await import('../../functions/exports/export-job-repository');
  const { runJobLeg } = await import('../../functions/exports/worker');
  let legs = 0;
  for (;;) {
    const job = (await findExportJob(id))!;
    if (job.legState !== 'pending') return { job, legs };
    await runJobLeg(job, contextWithin(callsPerLeg), { ...options, reserveMs: 1_000 });
    legs++;
    if (legs > 500) throw new Error('too many legs');
  }
}
