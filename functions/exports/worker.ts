import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { now, nowIso } from '../shared/clock';
import { optionalEnv } from '../shared/env';
import { newId } from '../shared/ids';
import { logger } from '../shared/logger';
import { imagesOf } from '../shared/stream-images';
import { ENTITY_DEFINITIONS, EXPORT_ENTITIES } from './entities';
import { claimLeg, completeJob, failJob, releaseLeg, type ExportJobRecord } from './export-job-repository';
import { planExport, queueExport } from './jobs';
import { runLeg, workerContext, type LegOptions } from './runner';

/**
 * The export worker (docs/architecture.md#analytics-and-exports). Two triggers:
 * - the table stream, filtered to `export_job` items whose `legState` is `pending` (a new job, or one
 *   whose previous leg stopped at a checkpoint): it claims the leg with a conditional write (a
 *   duplicate delivery claims nothing), runs it and either completes the job or checkpoints, which
 *   makes the item pending again and so starts the next leg from the stream;
 * - the daily schedule (EventBridge Scheduler, `{"kind": "daily"}`): queues yesterday's export of every
 *   entity as Parquet under `daily/<entity>/dt=<date>/` for the Glue tables, personal data masked.
 */

/** Parallel Scan segments per job when set; otherwise sized to the table (source-repository.ts, scanSegments). */
const SEGMENTS = optionalEnv('EXPORT_SCAN_SEGMENTS', '');
/** Stop reading this long before the invocation's end (a page, a part upload and the checkpoint fit). */
const RESERVE_MS = Number(optionalEnv('EXPORT_RESERVE_MS', '60000'));

export interface DailyExportEvent {
  kind: 'daily';
  /** The UTC day to export (default: yesterday). */
  date?: string;
}

function isDaily(event: unknown): event is DailyExportEvent {
  return typeof event === 'object' && event !== null && (event as { kind?: unknown }).kind === 'daily';
}

export async function handler(event: DynamoDBStreamEvent | DailyExportEvent, context: Context): Promise<void> {
  logger.addContext(context);
  if (isDaily(event)) {
    await queueDailyExports(event.date ?? new Date(now() - 86_400_000).toISOString().slice(0, 10), context.awsRequestId);
    return;
  }
  for (const record of event.Records) {
    const job = imagesOf(record).after as (ExportJobRecord & { entityType?: string }) | undefined;
    if (!job || job.entityType !== 'export_job' || job.legState !== 'pending') continue;
    await runJobLeg(job, context);
  }
}

/** Claims and runs the next leg of a job; failures end the job as failed (with a generic message). */
export async function runJobLeg(
  job: ExportJobRecord,
  context: Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>,
  overrides: Partial<LegOptions> = {},
): Promise<void> {
  const ctx = workerContext(context.awsRequestId);
  const startedAt = job.startedAt ?? ctx.at;
  const claimed = await claimLeg(job.id, job.leg, now(), now() + context.getRemainingTimeInMillis() + 5_000, startedAt, ctx);
  if (!claimed) {
    logger.info('Export: leg already taken or job done', { jobId: job.id, leg: job.leg });
    return;
  }
  try {
    const result = await runLeg(claimed, {
      remainingMs: () => context.getRemainingTimeInMillis(),
      reserveMs: RESERVE_MS,
      ...(SEGMENTS ? { segments: Number(SEGMENTS) } : {}),
      ...overrides,
    });
    if (result.outcome === 'checkpointed') {
      logger.info('Export: checkpoint', { jobId: job.id, leg: claimed.leg, rowCount: result.rowCount });
      await releaseLeg(job.id, claimed.leg, { rowCount: result.rowCount, bytes: result.bytes }, workerContext(context.awsRequestId));
      return;
    }
    logger.info('Export: finished', { jobId: job.id, legs: result.legs, rowCount: result.rowCount, bytes: result.bytes });
    await completeJob(
      job.id,
      claimed.leg,
      { rowCount: result.rowCount, bytes: result.bytes, checksum: result.checksum, finishedAt: nowIso() },
      workerContext(context.awsRequestId),
    );
  } catch (error) {
    logger.error('Export: failed', { jobId: job.id, error: error instanceof Error ? error.stack : String(error) });
    await failJob(job.id, claimed.leg, `The export failed (request ${context.awsRequestId}); try again`, nowIso(), workerContext(context.awsRequestId));
  }
}

/** Grants of the scheduled exports: every entity and column, but not personal data (masked). */
const SCHEDULE_GRANTS = [...new Set(Object.values(ENTITY_DEFINITIONS).flatMap((e) => [e.permission, ...e.columns.flatMap((c) => (c.permission ? [c.permission] : []))]))];

export async function queueDailyExports(date: string, requestId: string): Promise<string[]> {
  const ids: string[] = [];
  for (const entity of EXPORT_ENTITIES) {
    const id = newId();
    const plan = planExport(ENTITY_DEFINITIONS[entity], undefined, SCHEDULE_GRANTS);
    await queueExport(
      { id, entity, format: 'parquet', filter: { from: date, to: date }, plan, objectKey: dailyObjectKey(entity, date, id) },
      { actor: 'system:exports-schedule', requestId, sourceIp: 'scheduler.amazonaws.com', at: nowIso() },
    );
    ids.push(id);
  }
  logger.info('Export: daily jobs queued', { date, jobs: ids.length });
  return ids;
}

/** Where a daily export lands: the Glue table of the entity, Hive-style partition `dt`. */
export function dailyObjectKey(entity: string, date: string, id: string): string {
  return `${dailyPrefix(entity)}dt=${date}/${id}.parquet`;
}

export function dailyPrefix(entity: string): string {
  return `daily/${entity}/`;
}
