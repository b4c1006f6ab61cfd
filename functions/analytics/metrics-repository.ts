import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../shared/db';
import { metricKeys } from '../shared/keys';
import { TransactionCancelled, transactWrite, type NamedAction } from '../shared/transaction-repository';
import type { DayIncrements } from './metrics';

/**
 * Daily metric items (entity type `metric`, filtered out of the stream, so the consumers never feed
 * themselves): one item per UTC day in one partition (`metricKeys.day`), each counter an attribute
 * moved by ADD. A stream record is counted once: its increments and a marker keyed by its eventID
 * (put only if absent) are one TransactWriteItems, so a redelivered record changes no counter.
 */

/** How long a record's marker is kept: well beyond the stream's 24 h retention (DynamoDB TTL removes it). */
export const MARKER_TTL_SECONDS = 7 * 24 * 60 * 60;

const MARKER = 'marker';

/** The stored day item, without its keys. */
export type DayItem = { date: string } & Record<string, unknown>;

/**
 * Adds the record's increments once. `already-counted` when the record's marker exists (a redelivery:
 * nothing changed). Each day is one UpdateItem with `ADD` for its counters.
 */
export async function countOnce(eventId: string, increments: readonly DayIncrements[], at: string): Promise<'counted' | 'already-counted'> {
  const marker: NamedAction = {
    name: MARKER,
    action: {
      Put: {
        TableName: tableName(),
        Item: {
          ...metricKeys.event(eventId),
          entityType: 'metric',
          eventId,
          countedAt: at,
          ttl: Math.floor(Date.parse(at) / 1000) + MARKER_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
  const days = increments.map(({ date, counters }): NamedAction => {
    const entries = Object.entries(counters);
    const names = Object.fromEntries(entries.map(([counter], i) => [`#c${i}`, counter]));
    const values = Object.fromEntries(entries.map(([, amount], i) => [`:c${i}`, amount]));
    return {
      name: `day:${date}`,
      action: {
        Update: {
          TableName: tableName(),
          Key: metricKeys.day(date),
          UpdateExpression: `SET #type = :type, #date = :date, #updatedAt = :at ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
          ExpressionAttributeNames: { '#type': 'entityType', '#date': 'date', '#updatedAt': 'updatedAt', ...names },
          ExpressionAttributeValues: { ':type': 'metric', ':date': date, ':at': at, ...values },
        },
      },
    };
  });
  try {
    await transactWrite([marker, ...days]);
    return 'counted';
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failed(MARKER)) return 'already-counted';
    throw error;
  }
}

/** The day items from `from` to `to` (YYYY-MM-DD, inclusive), oldest first: one Query (day items are small). */
export async function queryDays(from: string, to: string): Promise<DayItem[]> {
  const range = metricKeys.dayRange(from, to);
  const items: DayItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    // A year of day items is far below a Query page's 1 MB; the loop only guards against a surprise.
    const page = await documentClient.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lower AND :upper',
        ExpressionAttributeValues: { ':pk': metricKeys.daysPartition(), ':lower': range.lower, ':upper': range.upper },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const { pk: _pk, sk, entityType: _type, ...counters } = item;
      items.push({ ...counters, date: metricKeys.dateOf(String(sk)) });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
