import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../shared/db';
import { getRecord, queryPage, recordOf } from '../shared/item-repository';
import { exportJobKeys, GSI1, GSI2 } from '../shared/keys';
import { stampOf, type WriteContext } from '../shared/write-context';
import type { ExportEntity } from './entities';
import type { ExportFilter, ExportFormat, ExportStatus } from './schemas';

/**
 * Export job items (entity type `export_job`). A job runs in legs: `legState` is `pending` when a
 * leg should start (the stream consumer reacts to that), `running` while one runs (until
 * `legDeadline`, epoch ms: after it a redelivered record may take the job over), `done` at the end.
 */
export type LegState = 'pending' | 'running' | 'done';

export interface ExportJobRecord {
  id: string;
  entity: ExportEntity;
  format: ExportFormat;
  status: ExportStatus;
  fields: string[];
  maskedFields: string[];
  filter?: ExportFilter;
  requestedBy: string;
  /** Every permission the job needed (entity, columns, and customers:read_pii when nothing is masked). */
  requiredPermissions: string[];
  /** Where the file goes in the exports bucket. */
  objectKey: string;
  leg: number;
  legState: LegState;
  legDeadline?: number;
  rowCount?: number;
  bytes?: number;
  checksum?: string;
  error?: string;
  startedAt?: string;
  finishedAt?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}

const ENTITY = 'export_job';

export async function putExportJob(job: Omit<ExportJobRecord, 'updatedAt' | 'updatedBy'>, ctx: WriteContext): Promise<void> {
  await documentClient.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...exportJobKeys.byId(job.id),
        ...exportJobKeys.byRequester(job.requestedBy, job.createdAt, job.id),
        ...exportJobKeys.all(job.createdAt, job.id),
        entityType: ENTITY,
        ...job,
        ...stampOf(ctx),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export function findExportJob(id: string): Promise<ExportJobRecord | undefined> {
  return getRecord<ExportJobRecord>(exportJobKeys.byId(id));
}

/** One Query: the requester's jobs (gsi1) or everyone's (gsi2), newest first. */
export function listExportJobs(options: { requester?: string; limit: number; startKey?: Record<string, unknown> }) {
  return queryPage<ExportJobRecord>({
    index: options.requester === undefined ? GSI2 : GSI1,
    partition: options.requester === undefined ? exportJobKeys.allPartition() : exportJobKeys.byRequesterPartition(options.requester),
    limit: options.limit,
    ...(options.startKey ? { startKey: options.startKey } : {}),
  });
}

async function conditionalUpdate(
  id: string,
  set: Record<string, unknown>,
  condition: string,
  conditionValues: Record<string, unknown>,
  ctx: WriteContext,
): Promise<ExportJobRecord | undefined> {
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = { ':one': 1, ...conditionValues };
  const parts: string[] = ['#version = #version + :one'];
  let i = 0;
  for (const [field, value] of Object.entries({ ...set, ...stampOf(ctx) })) {
    if (value === undefined) continue;
    names[`#s${i}`] = field;
    values[`:s${i}`] = value;
    parts.push(`#s${i} = :s${i}`);
    i++;
  }
  try {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: exportJobKeys.byId(id),
        UpdateExpression: `SET ${parts.join(', ')}`,
        ConditionExpression: `attribute_exists(pk) AND (${condition})`,
        ExpressionAttributeNames: { ...names, '#legState': 'legState', '#leg': 'leg' },
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return recordOf<ExportJobRecord>(Attributes!);
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/**
 * Takes the next leg of a job: a pending leg, or a running one whose invocation is past its deadline
 * (it died; the job goes on from its last checkpoint). Undefined when another invocation has it or
 * the job is done, so a duplicate delivery runs nothing.
 */
export function claimLeg(id: string, leg: number, nowMs: number, deadline: number, startedAt: string, ctx: WriteContext) {
  return conditionalUpdate(
    id,
    { legState: 'running', status: 'running', leg: leg + 1, legDeadline: deadline, startedAt },
    '#leg = :leg AND (#legState = :pending OR (#legState = :running AND legDeadline < :now))',
    { ':leg': leg, ':pending': 'pending', ':running': 'running', ':now': nowMs },
    ctx,
  );
}

/** The leg stops at a checkpoint: the next one starts from the stream record of this change. */
export function releaseLeg(id: string, leg: number, progress: { rowCount: number; bytes: number }, ctx: WriteContext) {
  return conditionalUpdate(id, { legState: 'pending', ...progress }, '#leg = :leg AND #legState = :running', { ':leg': leg, ':running': 'running' }, ctx);
}

export function completeJob(
  id: string,
  leg: number,
  result: { rowCount: number; bytes: number; checksum: string; finishedAt: string },
  ctx: WriteContext,
) {
  return conditionalUpdate(
    id,
    { legState: 'done', status: 'succeeded', ...result },
    '#leg = :leg AND #legState = :running',
    { ':leg': leg, ':running': 'running' },
    ctx,
  );
}

export function failJob(id: string, leg: number, error: string, finishedAt: string, ctx: WriteContext) {
  return conditionalUpdate(
    id,
    { legState: 'done', status: 'failed', error, finishedAt },
    '#leg = :leg AND #legState <> :done',
    { ':leg': leg, ':done': 'done' },
    ctx,
  );
}
