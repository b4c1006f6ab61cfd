import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { now } from './clock';
import { documentClient, tableName } from './db';
import type { IdempotentRequest, StoredResponse } from './idempotency';
import { idempotencyKeys } from './keys';
import type { NamedAction } from './transaction-repository';
import { stampOf, type WriteContext } from './write-context';

export interface IdempotencyRecord {
  actor: string;
  key: string;
  fingerprint: string;
  /** The response status and its body as JSON text (a map attribute would not keep the key order). */
  responseStatus: number;
  responseBody: string;
  /** Expiry, epoch seconds (the table's TTL attribute). */
  ttl: number;
  createdAt: string;
}

/** Records are kept for a day (the table's TTL removes them some time after `ttl`). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** Name of the idempotency action in a transaction (see TransactionCancelled.failed). */
export const IDEMPOTENCY_ACTION = 'idempotency';

/**
 * The Put that records a key and its response, for the same transaction as the command: it fails
 * when a live record of that key exists (an expired one, not yet removed by TTL, is overwritten).
 */
export function idempotencyPut(request: IdempotentRequest, response: StoredResponse, ctx: WriteContext): NamedAction {
  const record: IdempotencyRecord = {
    actor: request.actor,
    key: request.key,
    fingerprint: request.fingerprint,
    responseStatus: response.status,
    responseBody: JSON.stringify(response.body),
    ttl: Math.floor(now() / 1000) + IDEMPOTENCY_TTL_SECONDS,
    createdAt: ctx.at,
  };
  return {
    name: IDEMPOTENCY_ACTION,
    action: {
      Put: {
        TableName: tableName(),
        Item: { ...idempotencyKeys.record(request.actor, request.key), entityType: 'idempotency', ...record, ...stampOf(ctx) },
        ConditionExpression: 'attribute_not_exists(pk) OR #ttl <= :now',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':now': Math.floor(now() / 1000) },
      },
    },
  };
}

export async function findIdempotencyRecord(actor: string, key: string): Promise<(IdempotencyRecord & { response: StoredResponse }) | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: idempotencyKeys.record(actor, key), ConsistentRead: true }));
  if (!Item) return undefined;
  const record = Item as unknown as IdempotencyRecord;
  return { ...record, response: { status: record.responseStatus, body: JSON.parse(record.responseBody) as unknown } };
}
