import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../shared/db';
import { metricKeys } from '../shared/keys';
import { MAX_TRANSACTION_ACTIONS, TransactionCancelled, transactWrite, type NamedAction } from '../shared/transaction-repository';
import type { DayIncrements } from './metrics';

/**
 * Daily metric items (entity type `metric`, filtered out of the stream, so the consumers never feed
 * themselves): one item per UTC day in one partition (`metricKeys.day`), each counter an attribute
 * moved by ADD. A stream record is counted once: its increments and a marker keyed by its eventID
 * (put only if absent) commit in one TransactWriteItems, so a redelivered record changes no counter.
 * A batch's records share the transaction (markers, one summed update per day).
 */

/** How long a record's marker is kept: well beyond the stream's 24 h retention (DynamoDB TTL removes it). */
export const MARKER_TTL_SECONDS = 7 * 24 * 60 * 60;

const MARKER = 'marker';

/** The stored day item, without its keys. */
export type DayItem = { date: string } & Record<string, unknown>;

function markerAction(eventId: string, at: string): NamedAction {
  return {
    name: `${MARKER}:${eventId}`,
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
}

/** One UpdateItem per day, `ADD` for its counters (the sums of every increment of that day). */
function dayActions(increments: readonly DayIncrements[], at: string): NamedAction[] {
  const days = new Map<string, Record<string, number>>();
  for (const { date, counters } of increments) {
    const sums = days.get(date) ?? {};
    for (const [counter, amount] of Object.entries(counters)) sums[counter] = (sums[counter] ?? 0) + amount;
    days.set(date, sums);
  }
  return [...days].map(([date, counters]): NamedAction => {
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
}

/**
 * Adds the record's increments once. `already-counted` when the record's marker exists (a redelivery:
 * nothing changed).
 */
export async function countOnce(eventId: string, increments: readonly DayIncrements[], at: string): Promise<'counted' | 'already-counted'> {
  try {
    await transactWrite([markerAction(eventId, at), ...dayActions(increments, at)]);
    return 'counted';
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failed(`${MARKER}:${eventId}`)) return 'already-counted';
    throw error;
  }
}

export interface CountableRecord {
  eventId: string;
  increments: readonly DayIncrements[];
}

/** Which of these records' markers exist: one strongly consistent BatchGetItem per 100. */
async function countedAlready(eventIds: readonly string[]): Promise<Set<string>> {
  const counted = new Set<string>();
  for (let start = 0; start < eventIds.length; start += 100) {
    let pending: Record<string, unknown>[] = eventIds.slice(start, start + 100).map((id) => ({ ...metricKeys.event(id) }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= 5) throw new Error('DynamoDB left metric markers unprocessed');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const { Responses, UnprocessedKeys } = await documentClient.send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: pending, ConsistentRead: true, ProjectionExpression: 'eventId' } } }),
      );
      for (const item of Responses?.[tableName()] ?? []) counted.add(String(item.eventId));
      pending = UnprocessedKeys?.[tableName()]?.Keys ?? [];
    }
  }
  return counted;
}

/**
 * Adds the increments of many records once, in as few transactions as fit: the records already
 * counted are left out (one BatchGetItem), and the rest go in with their markers and one update per
 * day. A transaction that finds a marker written meanwhile (another invocation counted the record)
 * wrote nothing; its records are then counted one by one. Returns how many records were counted now.
 */
export async function countAllOnce(records: readonly CountableRecord[], at: string): Promise<number> {
  const counted = await countedAlready(records.map((r) => r.eventId));
  const fresh = records.filter((r) => !counted.has(r.eventId));
  let done = 0;
  let chunk: CountableRecord[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    const group = chunk;
    chunk = [];
    try {
      await transactWrite([...group.map((r) => markerAction(r.eventId, at)), ...dayActions(group.flatMap((r) => r.increments), at)]);
      done += group.length;
    } catch (error) {
      if (!(error instanceof TransactionCancelled) || !error.failedNames().some((name) => name.startsWith(`${MARKER}:`))) throw error;
      for (const record of group) if ((await countOnce(record.eventId, record.increments, at)) === 'counted') done += 1;
    }
  };
  for (const record of fresh) {
    const days = new Set([...chunk, record].flatMap((r) => r.increments.map((i) => i.date)));
    if (chunk.length + 1 + days.size > MAX_TRANSACTION_ACTIONS) await flush();
    chunk.push(record);
  }
  await flush();
  return done;
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
