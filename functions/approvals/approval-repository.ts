import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ConditionFailed } from '../shared/conditional';
import { documentClient, tableName } from '../shared/db';
import { getRecord, queryPage } from '../shared/item-repository';
import { approvalKeys, GSI1, GSI2 } from '../shared/keys';
import { buildUpdate } from '../shared/update-expression';
import { stampOf, type WriteContext } from '../shared/write-context';
import type { ApprovalRecord } from './approval-state';
import type { ApprovalKindName, ApprovalStatus } from './schemas';

/** One action of a TransactWriteItems request (document client form). */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const ENTITY = 'approval';

/** A condition of the subject's writes lost: `index` into the writes given, `current` the item compared against. */
export class SubjectConditionFailed extends Error {
  constructor(readonly index: number, readonly current: Record<string, unknown> | undefined) {
    super(`Condition ${index} of the subject's writes failed`);
    this.name = 'SubjectConditionFailed';
  }
}

/** The item of an approval: its record plus index keys (inbox while a step is open, list by status). */
function itemOf(record: ApprovalRecord): Record<string, unknown> {
  const open = record.status === 'pending' ? record.steps.find((s) => s.status === 'open') : undefined;
  return {
    ...approvalKeys.byId(record.id),
    ...(open?.dueAt ? approvalKeys.inbox(open.role, open.dueAt, record.id) : {}),
    ...approvalKeys.byStatus(record.status, record.kind, record.createdAt, record.id),
    entityType: ENTITY,
    ...record,
  };
}

function cancellation(error: TransactionCanceledException, index: number) {
  const reason = error.CancellationReasons?.[index];
  return {
    failed: reason?.Code === 'ConditionalCheckFailed',
    item: reason?.Item ? unmarshall(reason.Item as never) : undefined,
  };
}

/** Runs a transaction; a lost condition becomes SubjectConditionFailed, counted from `offset`. */
async function transact(items: TransactItem[], offset: number): Promise<void> {
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    for (let i = offset; i < items.length; i++) {
      const reason = cancellation(error, i);
      if (reason.failed) throw new SubjectConditionFailed(i - offset, reason.item);
    }
    throw error;
  }
}

/**
 * Stores a new approval and the subject's writes (e.g. the "pending approval" mark on a product) in
 * one transaction: either the change waits for its approval, or nothing happened.
 */
export async function insertApproval(record: ApprovalRecord, subjectWrites: TransactItem[]): Promise<void> {
  await transact(
    [{ Put: { TableName: tableName(), Item: itemOf(record), ConditionExpression: 'attribute_not_exists(pk)' } }, ...subjectWrites],
    1,
  );
}

export function findApproval(id: string): Promise<ApprovalRecord | undefined> {
  return getRecord<ApprovalRecord>(approvalKeys.byId(id));
}

/** Replaces the approval with its next state, if nobody changed it since `expectedVersion` was read. */
export async function saveApproval(next: ApprovalRecord, expectedVersion: number): Promise<void> {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: tableName(),
        Item: itemOf(next),
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': expectedVersion },
      }),
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') throw new ConditionFailed(undefined);
    throw error;
  }
}

export type Outcome = 'appliedAt' | 'revertedAt';

/**
 * The once-only mark of an outcome: sets `appliedAt` (or `revertedAt`) on an approval in one of
 * `statuses` where it is not set yet. Written in the same transaction as the change itself, so the
 * change happens at most once however often the workflow retries.
 */
export function outcomeGuard(id: string, outcome: Outcome, statuses: readonly ApprovalStatus[], ctx: WriteContext): TransactItem {
  const update = buildUpdate({ set: { ...stampOf(ctx), [outcome]: ctx.at }, increment: { version: 1 } });
  const allowed = statuses.map((_, i) => `:s${i}`);
  return {
    Update: {
      TableName: tableName(),
      Key: approvalKeys.byId(id),
      ...update,
      ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#status': 'status', '#outcome': outcome },
      ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...Object.fromEntries(statuses.map((s, i) => [`:s${i}`, s])) },
      ConditionExpression: `attribute_exists(pk) AND #status IN (${allowed.join(', ')}) AND attribute_not_exists(#outcome)`,
    },
  };
}

/**
 * Commits the subject's writes together with the outcome guard. `already-done` when the guard lost
 * (the outcome was recorded before: a retry); a lost subject condition throws SubjectConditionFailed.
 */
export async function commitOutcome(guard: TransactItem, writes: TransactItem[]): Promise<'done' | 'already-done'> {
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: [guard, ...writes] }));
    return 'done';
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    if (cancellation(error, 0).failed) return 'already-done';
    for (let i = 1; i <= writes.length; i++) {
      const reason = cancellation(error, i);
      if (reason.failed) throw new SubjectConditionFailed(i - 1, reason.item);
    }
    throw error;
  }
}

export interface ApprovalPage {
  items: ApprovalRecord[];
  lastKey?: Record<string, unknown>;
}

/** One role's inbox: pending approvals whose open step is for that role, earliest due first. */
export function queryInbox(role: string, limit: number, startKey?: Record<string, unknown>): Promise<ApprovalPage> {
  return queryPage<ApprovalRecord>({ index: GSI1, partition: approvalKeys.inboxPartition(role), limit, startKey, descending: false });
}

/** Approvals of one status (optionally one kind), grouped by kind, newest first within a kind. */
export function queryByStatus(status: ApprovalStatus, kind: ApprovalKindName | undefined, limit: number, startKey?: Record<string, unknown>): Promise<ApprovalPage> {
  return queryPage<ApprovalRecord>({
    index: GSI2,
    partition: approvalKeys.byStatusPartition(status),
    ...(kind ? { sortPrefix: approvalKeys.kindSortPrefix(kind) } : {}),
    limit,
    startKey,
  });
}

/** The record of a stored approval item (for items returned by other reads). */

/** The index key of an approval in its inbox: where a multi-role inbox page continues from. */
export function inboxKeyOf(record: ApprovalRecord): Record<string, unknown> | undefined {
  const item = itemOf(record);
  if (item.gsi1pk === undefined) return undefined;
  return { pk: item.pk, sk: item.sk, gsi1pk: item.gsi1pk, gsi1sk: item.gsi1sk };
}
