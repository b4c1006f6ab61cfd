import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from '../functions/shared/schema/tables';
import { localDynamoClient } from './dynamodb';

/**
 * DynamoDB Local (3.3) answers a TransactWriteItems before the transaction is committed: its SQLite
 * layer queues the COMMIT on its single database thread and returns without waiting for it
 * (`SQLiteDBAccess.commitTransaction`). If the JVM dies in that window an acknowledged transaction is
 * lost — seen in about one SIGKILL out of three under concurrent transactional writes. Every other
 * request runs on the same first-in-first-out thread and waits for its own job, so one read issued
 * after a write completes only once every job queued before it, that COMMIT included, has run.
 *
 * The local runtime therefore issues such a read (a GetItem of a key that never exists) after every
 * Lambda invocation and before the answer goes out (and before the stream poller checkpoints a
 * batch): a 2xx seen by a client, or a checkpoint on disk, means the writes behind it are in the
 * database file. Handlers are not involved: this is the runtime's stand-in for DynamoDB's own
 * durability. Cost: one local round trip (about a millisecond) per invocation.
 */
export interface CommitBarrier {
  /** Resolves once every write DynamoDB Local acknowledged before this call is committed. */
  wait(): Promise<void>;
  destroy(): void;
}

const BARRIER_KEY_VALUE = 'LOCAL#COMMIT_BARRIER';

export function createCommitBarrier(endpoint: string, table: { name: string; definition: TableDefinition }): CommitBarrier {
  const client: DynamoDBClient = localDynamoClient(endpoint);
  const key = {
    [table.definition.partitionKey]: { S: BARRIER_KEY_VALUE },
    [table.definition.sortKey]: { S: BARRIER_KEY_VALUE },
  };
  return {
    async wait() {
      await client.send(new GetItemCommand({ TableName: table.name, Key: key, ConsistentRead: true }));
    },
    destroy() {
      client.destroy();
    },
  };
}

/** Wraps an async function so that its writes are committed before its result (or error) is passed on. */
export function committedBefore<A extends unknown[], R>(barrier: CommitBarrier, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } finally {
      // Also after an error: the function may have committed writes before it failed.
      await barrier.wait();
    }
  };
}
