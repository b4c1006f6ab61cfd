import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { documentClient } from './db';
import { conflict } from './errors';

/** One action of a TransactWriteItems request (document client form). */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * An action with a name, so a cancelled transaction can say which condition lost (`order`,
 * `customer`, `product:<id>`, `idempotency`) instead of callers counting array positions.
 */
export interface NamedAction {
  name: string;
  action: TransactItem;
}

/** The most actions one TransactWriteItems request may hold. */
export const MAX_TRANSACTION_ACTIONS = 100;

/**
 * DynamoDB cancelled the transaction because conditions failed. `failed(name)` tells whether that
 * action's condition lost; `current(name)` is the item DynamoDB compared against (actions sent with
 * `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`; absent when the item does not exist).
 */
export class TransactionCancelled extends Error {
  constructor(
    private readonly reasons: ReadonlyMap<string, { code: string | undefined; item: Record<string, unknown> | undefined }>,
  ) {
    super(`Transaction cancelled: ${[...reasons].filter(([, r]) => r.code && r.code !== 'None').map(([n, r]) => `${n}=${r.code}`).join(', ')}`);
    this.name = 'TransactionCancelled';
  }

  failed(name: string): boolean {
    return this.reasons.get(name)?.code === 'ConditionalCheckFailed';
  }

  current(name: string): Record<string, unknown> | undefined {
    return this.reasons.get(name)?.item;
  }

  /** Names of the actions whose condition lost, in request order. */
  failedNames(): string[] {
    return [...this.reasons].filter(([, reason]) => reason.code === 'ConditionalCheckFailed').map(([name]) => name);
  }

  /** Cancelled only because another transaction held one of the items (retry exhausted). */
  get conflicted(): boolean {
    return [...this.reasons.values()].some((reason) => reason.code === 'TransactionConflict') && this.failedNames().length === 0;
  }
}

const CONFLICT_ATTEMPTS = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function reasonsOf(error: TransactionCanceledException, actions: readonly NamedAction[]) {
  const reasons = new Map<string, { code: string | undefined; item: Record<string, unknown> | undefined }>();
  actions.forEach(({ name }, index) => {
    const reason = error.CancellationReasons?.[index];
    // The document client does not unmarshall items attached to errors.
    reasons.set(name, { code: reason?.Code, item: reason?.Item ? unmarshall(reason.Item) : undefined });
  });
  return reasons;
}

/**
 * Runs one TransactWriteItems request. A cancellation caused only by a concurrent transaction on the
 * same items (`TransactionConflict`, which AWS raises and DynamoDB Local never does) is retried a few
 * times with full jitter, then answered 409; a lost condition is never retried and throws
 * TransactionCancelled for the caller to explain. Retrying is safe for any transaction: a cancelled
 * one wrote nothing, and the retry's conditions are evaluated afresh.
 *
 * `retryConflicts: false` hands a conflict straight back (TransactionCancelled, `conflicted`), for a
 * caller that re-reads before it tries again (the audit chain's head moves under concurrent writers).
 */
export async function transactWrite(actions: readonly NamedAction[], options: { retryConflicts?: boolean } = {}): Promise<void> {
  const attempts = options.retryConflicts === false ? 1 : CONFLICT_ATTEMPTS;
  if (actions.length > MAX_TRANSACTION_ACTIONS) throw new Error(`A transaction holds at most ${MAX_TRANSACTION_ACTIONS} actions, not ${actions.length}`);
  const names = new Set(actions.map((a) => a.name));
  if (names.size !== actions.length) throw new Error('Transaction action names must be unique');
  for (let attempt = 1; ; attempt++) {
    try {
      await documentClient.send(new TransactWriteCommand({ TransactItems: actions.map((a) => a.action) }));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const cancelled = new TransactionCancelled(reasonsOf(error, actions));
      if (!cancelled.conflicted || attempts === 1) throw cancelled;
      if (attempt >= attempts) throw conflict('Too many concurrent changes to the same items; retry', 'transaction-conflict');
      await sleep(Math.random() * 25 * 2 ** attempt);
    }
  }
}
