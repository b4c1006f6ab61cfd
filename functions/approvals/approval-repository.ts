import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionFailed } from '../shared/conditional';
import { documentClient, tableName } from '../shared/db';
import { getRecord, queryPage } from '../shared/item-repository';
import { approvalKeys, GSI1, GSI2 } from '../shared/keys';
import { TransactionCancelled, transactWrite, type NamedAction } from '../shared/transaction-repository';
import { buildUpdate } from '../shared/update-expression';
import { stampOf, type WriteContext } from '../shared/write-context';
import type { ApprovalRecord } from './approval-state';
import type { ApprovalKindName, ApprovalStatus } from './schemas';

const ENTITY = 'approval';

/** Name of the approval's own action in its transactions; the subject's actions carry their own names. */
export const APPROVAL_ACTION = 'approval';

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

/**
 * Stores a new approval and the subject's writes (e.g. the "pending approval" mark on a product) in
 * one transaction: either the change waits for its approval, or nothing happened. A lost subject
 * condition throws TransactionCancelled, which names the subject's action.
 */
export async function insertApproval(record: ApprovalRecord, subjectWrites: readonly NamedAction[]): Promise<void> {
  await transactWrite([
    { name: APPROVAL_ACTION, action: { Put: { TableName: tableName(), Item: itemOf(record), ConditionExpression: 'attribute_not_exists(pk)' } } },
    ...subjectWrites,
  ]);
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

/**
 * Stores a decision: replaces the approval with its decided state if nobody decided or timed it out
 * since `expectedVersion` was read, and answers the task token the replaced item held. The workflow
 * registers its token without changing the version, so the token comes back here whether it was
 * stored before or after the read; a token stored after this write loses its own condition instead.
 * Either way exactly one side hands the decision to the workflow.
 */
export async function saveDecision(next: ApprovalRecord, expectedVersion: number): Promise<{ taskToken?: string }> {
  try {
    const { Attributes } = await documentClient.send(
      new PutCommand({
        TableName: tableName(),
        Item: itemOf(next),
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': expectedVersion },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const taskToken = Attributes?.taskToken;
    return typeof taskToken === 'string' ? { taskToken } : {};
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
export function outcomeGuard(id: string, outcome: Outcome, statuses: readonly ApprovalStatus[], ctx: WriteContext): NamedAction {
  const update = buildUpdate({ set: { ...stampOf(ctx), [outcome]: ctx.at }, increment: { version: 1 } });
  const allowed = statuses.map((_, i) => `:s${i}`);
  return {
    name: APPROVAL_ACTION,
    action: {
      Update: {
        TableName: tableName(),
        Key: approvalKeys.byId(id),
        ...update,
        ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#status': 'status', '#outcome': outcome },
        ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...Object.fromEntries(statuses.map((s, i) => [`:s${i}`, s])) },
        ConditionExpression: `attribute_exists(pk) AND #status IN (${allowed.join(', ')}) AND attribute_not_exists(#outcome)`,
      },
    },
  };
}

/**
 * Commits the subject's writes together with the outcome guard. `already-done` when the guard lost
 * (the outcome was recorded before: a retry); a lost subject condition throws TransactionCancelled.
 */
export async function commitOutcome(guard: NamedAction, writes: readonly NamedAction[]): Promise<'done' | 'already-done'> {
  try {
    await transactWrite([guard, ...writes]);
    return 'done';
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failed(guard.name)) return 'already-done';
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
