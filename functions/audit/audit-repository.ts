import { BatchGetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/db';
import { requireEnv } from '../shared/env';
import { auditKeys, type PrimaryKey } from '../shared/keys';
import { pageOf } from '../shared/paging';
import { MAX_TRANSACTION_ACTIONS, TransactionCancelled, transactWrite, type NamedAction } from '../shared/transaction-repository';
import type { ChainedEntry } from './audit-entry';

/**
 * The audit table (`AuditLog`, its name in AUDIT_TABLE_NAME). Entries are only ever added: one
 * transaction moves the chain head (conditioned on the sequence number it was read at) and puts one
 * or more consecutive entries (new keys) with their stream-event markers (new keys). Nothing here updates or deletes an entry,
 * and in AWS the table's resource policy denies it to everyone.
 */

let cachedTableName: string | undefined;
export function auditTableName(): string {
  cachedTableName ??= requireEnv('AUDIT_TABLE_NAME');
  return cachedTableName;
}

/** Index names of the audit table (functions/shared/schema/tables.ts AUDIT_TABLE). */
export const BY_ACTOR_INDEX = 'byActor';
export const BY_DAY_INDEX = 'byDay';

/** An entry as stored: the chained entry plus its index keys and retention. */
export interface StoredEntry extends ChainedEntry {
  /** byDay partition (UTC date of `at`). */
  day: string;
  /** Epoch seconds when DynamoDB's TTL may delete the entry; absent under legal hold. */
  expiresAt?: number;
  /** Written while a legal hold applied: never expires. */
  legalHold?: boolean;
}

export interface ChainHead {
  seq: number;
  hash: string;
  /** When the latest entry may expire (null: under legal hold). */
  expiresAt: number | null;
}

function headOf(item: Record<string, unknown>): ChainHead {
  const expiresAt = item.lastExpiresAt;
  return { seq: Number(item.seq), hash: String(item.hash), expiresAt: typeof expiresAt === 'number' ? expiresAt : null };
}

export interface ChainState {
  /** The stream events of those asked about that were recorded before (redeliveries). */
  recorded: Set<string>;
  head?: ChainHead;
  /** A legal hold covers the entity (on it, on its type or on everything). */
  held: boolean;
}

const ENTRY_KEY_ATTRIBUTES = ['pk', 'sk'];

function entryOf(item: Record<string, unknown>): StoredEntry {
  const entry: Record<string, unknown> = { ...item };
  for (const attribute of ENTRY_KEY_ATTRIBUTES) delete entry[attribute];
  return entry as unknown as StoredEntry;
}

/** A hold item is in force until it carries `releasedAt`. */
const holdInForce = (item: Record<string, unknown> | undefined) => item !== undefined && (item.releasedAt === undefined || item.releasedAt === null);

/** BatchGetItem takes at most 100 keys. */
const MAX_BATCH_GET_KEYS = 100;

async function batchGetConsistent(keys: PrimaryKey[]): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += MAX_BATCH_GET_KEYS) {
    let pending = keys.slice(start, start + MAX_BATCH_GET_KEYS);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 0) {
        if (attempt >= 5) throw new Error('DynamoDB left keys of the audit state unprocessed');
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
      const { Responses, UnprocessedKeys } = await documentClient.send(
        new BatchGetCommand({ RequestItems: { [auditTableName()]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(Responses?.[auditTableName()] ?? []));
      pending = (UnprocessedKeys?.[auditTableName()]?.Keys ?? []) as PrimaryKey[];
    }
  }
  return found;
}

/** The entity and the stream events whose state an append needs. */
export interface ChainRequest {
  entityType: string;
  entityId: string;
  eventIds: readonly string[];
}

/**
 * Everything appending changes of many chains needs, strongly consistent, in one BatchGetItem per
 * 100 keys (sent at once): each chain's head, its events' markers and the legal holds (on the entity,
 * on its type, on everything).
 */
export async function readChainStates(chains: readonly ChainRequest[]): Promise<ChainState[]> {
  const keys = new Map<string, PrimaryKey>();
  const add = (key: PrimaryKey) => keys.set(`${key.pk}|${key.sk}`, key);
  for (const chain of chains) {
    add(auditKeys.head(chain.entityType, chain.entityId));
    add(auditKeys.hold(chain.entityType, chain.entityId));
    add(auditKeys.hold(chain.entityType));
    for (const id of chain.eventIds) add(auditKeys.event(id));
  }
  add(auditKeys.hold());
  const all = [...keys.values()];
  const pages = await Promise.all(
    Array.from({ length: Math.ceil(all.length / MAX_BATCH_GET_KEYS) }, (_, i) => batchGetConsistent(all.slice(i * MAX_BATCH_GET_KEYS, (i + 1) * MAX_BATCH_GET_KEYS))),
  );
  const found = new Map(pages.flat().map((item) => [`${String(item.pk)}|${String(item.sk)}`, item]));
  const get = (key: PrimaryKey) => found.get(`${key.pk}|${key.sk}`);
  return chains.map((chain) => {
    const headItem = get(auditKeys.head(chain.entityType, chain.entityId));
    const holds = [auditKeys.hold(chain.entityType, chain.entityId), auditKeys.hold(chain.entityType), auditKeys.hold()];
    return {
      recorded: new Set(chain.eventIds.filter((id) => get(auditKeys.event(id)) !== undefined)),
      ...(headItem ? { head: headOf(headItem) } : {}),
      held: holds.some((key) => holdInForce(get(key))),
    };
  });
}

export type AppendResult = 'appended' | 'duplicate' | 'conflict';

/** Consecutive entries of one chain, to follow the head at `previousSeq` (undefined: a new chain). */
export interface ChainAppend {
  entries: readonly StoredEntry[];
  previousSeq: number | undefined;
}

/** The actions of one chain's append: its head, then per entry the entry and its event's marker. */
function appendActions({ entries, previousSeq }: ChainAppend, markerExpiresAt: number): NamedAction[] {
  const last = entries[entries.length - 1]!;
  const table = auditTableName();
  const chain = `${last.entityType}/${last.entityId}`;
  const actions: NamedAction[] = [
    {
      name: `head:${chain}`,
      action: {
        Put: {
          TableName: table,
          Item: {
            ...auditKeys.head(last.entityType, last.entityId),
            entityType: last.entityType,
            entityId: last.entityId,
            seq: last.seq,
            hash: last.hash,
            lastExpiresAt: last.expiresAt ?? null,
          },
          ...(previousSeq === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'seq = :previous', ExpressionAttributeValues: { ':previous': previousSeq } }),
        },
      },
    },
  ];
  for (const entry of entries) {
    actions.push(
      {
        name: `entry:${chain}:${entry.seq}`,
        action: {
          Put: {
            TableName: table,
            Item: { ...auditKeys.entry(entry.entityType, entry.entityId, entry.seq), ...entry },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      },
      {
        name: `event:${chain}:${entry.seq}`,
        action: {
          Put: {
            TableName: table,
            Item: { ...auditKeys.event(entry.eventId), entityType: entry.entityType, entityId: entry.entityId, seq: entry.seq, expiresAt: markerExpiresAt },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      },
    );
  }
  return actions;
}

/** Actions of an append of `entries` entries: the head, and an entry and a marker each. */
export const appendActionCount = (entries: number) => 1 + 2 * entries;

/** The most entries one chain's append carries in a transaction of its own. */
export const MAX_ENTRIES_PER_APPEND = Math.floor((MAX_TRANSACTION_ACTIONS - 1) / 2);

/**
 * Appends to one or more chains in one transaction (each chain at most once): per chain the head
 * (must still be at `previousSeq`, or absent), its entries (sequence numbers must be free) and their
 * events' markers (must not exist). Returns `duplicate` when an event was recorded meanwhile,
 * `conflict` when another writer moved a chain first; either way nothing was written, and the
 * caller reads the chains again.
 */
export async function appendToChains(appends: readonly ChainAppend[], markerExpiresAt: number): Promise<AppendResult> {
  const actions = appends.filter((a) => a.entries.length > 0).flatMap((a) => appendActions(a, markerExpiresAt));
  if (actions.length === 0) return 'appended';
  try {
    // A conflict comes straight back: the caller reads the heads again before it retries.
    await transactWrite(actions, { retryConflicts: false });
    return 'appended';
  } catch (error) {
    if (!(error instanceof TransactionCancelled)) throw error;
    if (error.failedNames().some((name) => name.startsWith('event:'))) return 'duplicate';
    if (error.failedNames().length > 0 || error.conflicted) return 'conflict';
    throw error;
  }
}

export interface Page {
  items: StoredEntry[];
  lastKey?: Record<string, unknown>;
}

/** The continuation key attributes of each index (functions/shared/schema/tables.ts AUDIT_TABLE): the table's keys and the index's. */
const CONTINUATION_ATTRIBUTES = {
  table: ['pk', 'sk'],
  [BY_ACTOR_INDEX]: ['pk', 'sk', 'actor', 'at'],
  [BY_DAY_INDEX]: ['pk', 'sk', 'day', 'at'],
} as const;

/** One Query for a page of `limit` entries: asks for one more, so the cursor is only there when more follow (shared/paging.ts). */
async function query(input: Omit<QueryCommandInput, 'TableName' | 'Limit'>, limit: number): Promise<Page> {
  const { Items, LastEvaluatedKey } = await documentClient.send(new QueryCommand({ TableName: auditTableName(), ...input, Limit: limit + 1 }));
  const page = pageOf(Items ?? [], LastEvaluatedKey, limit, CONTINUATION_ATTRIBUTES[(input.IndexName ?? 'table') as keyof typeof CONTINUATION_ATTRIBUTES]);
  return { items: page.items.map(entryOf), ...(page.lastKey ? { lastKey: page.lastKey } : {}) };
}

/** Optional filters on `at` (inclusive ISO bounds) and `actor`, as a filter expression. */
function filters(filter: { from?: string; to?: string; actor?: string }) {
  const parts: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (filter.from !== undefined) {
    parts.push('#at >= :from');
    names['#at'] = 'at';
    values[':from'] = filter.from;
  }
  if (filter.to !== undefined) {
    parts.push('#at <= :to');
    names['#at'] = 'at';
    values[':to'] = filter.to;
  }
  if (filter.actor !== undefined) {
    parts.push('#actor = :actor');
    names['#actor'] = 'actor';
    values[':actor'] = filter.actor;
  }
  return { expression: parts.join(' AND '), names, values };
}

/** `at` between the bounds, as a key condition on an index sort key. */
function atCondition(from: string | undefined, to: string | undefined): { condition: string; values: Record<string, string> } {
  if (from !== undefined && to !== undefined) return { condition: ' AND #at BETWEEN :from AND :to', values: { ':from': from, ':to': to } };
  if (from !== undefined) return { condition: ' AND #at >= :from', values: { ':from': from } };
  if (to !== undefined) return { condition: ' AND #at <= :to', values: { ':to': to } };
  return { condition: '', values: {} };
}

export interface EntityQuery {
  entityType: string;
  entityId: string;
  limit: number;
  startKey?: Record<string, unknown>;
  from?: string;
  to?: string;
  actor?: string;
}

/** One Query: an entity's entries in chain order (time and actor, when given, filter the page). */
export function queryEntityEntries(q: EntityQuery): Promise<Page> {
  const filter = filters(q);
  return query({
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
    ...(filter.expression ? { FilterExpression: filter.expression, ExpressionAttributeNames: filter.names } : {}),
    ExpressionAttributeValues: {
      ':pk': auditKeys.entityPartition(q.entityType, q.entityId),
      ':first': auditKeys.firstSeqSortKey(),
      ':last': auditKeys.lastSeqSortKey(),
      ...filter.values,
    },
    ScanIndexForward: true,
    ExclusiveStartKey: q.startKey,
  }, q.limit);
}

/** One Query on byActor: an actor's entries, newest first, optionally within [from, to]. */
export function queryActorEntries(q: { actor: string; from?: string; to?: string; limit: number; startKey?: Record<string, unknown> }): Promise<Page> {
  const range = atCondition(q.from, q.to);
  return query({
    IndexName: BY_ACTOR_INDEX,
    KeyConditionExpression: `#actor = :actor${range.condition}`,
    ExpressionAttributeNames: { '#actor': 'actor', ...(range.condition ? { '#at': 'at' } : {}) },
    ExpressionAttributeValues: { ':actor': q.actor, ...range.values },
    ScanIndexForward: false,
    ExclusiveStartKey: q.startKey,
  }, q.limit);
}

/** One Query on byDay: one day's entries within [from, to], newest first. */
export function queryDayEntries(q: { day: string; from: string; to: string; limit: number; startKey?: Record<string, unknown> }): Promise<Page> {
  const range = atCondition(q.from, q.to);
  return query({
    IndexName: BY_DAY_INDEX,
    KeyConditionExpression: `#day = :day${range.condition}`,
    ExpressionAttributeNames: { '#day': 'day', '#at': 'at' },
    ExpressionAttributeValues: { ':day': q.day, ...range.values },
    ScanIndexForward: false,
    ExclusiveStartKey: q.startKey,
  }, q.limit);
}

/** A stored entry and the sequence number its sort key gives it (what verify trusts, not the attribute). */
export interface ChainLink {
  position: number;
  entry: StoredEntry;
}

/**
 * Every entry of an entity in chain order, page by page (strongly consistent): what verify reads.
 * With `afterSeq`, only the entries after that sequence number.
 */
export async function* chainPages(entityType: string, entityId: string, afterSeq = 0): AsyncGenerator<ChainLink[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const { Items, LastEvaluatedKey } = await documentClient.send(
      new QueryCommand({
        TableName: auditTableName(),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
        ExpressionAttributeValues: {
          ':pk': auditKeys.entityPartition(entityType, entityId),
          ':first': afterSeq === 0 ? auditKeys.firstSeqSortKey() : auditKeys.seqSortKey(afterSeq + 1),
          ':last': auditKeys.lastSeqSortKey(),
        },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    yield (Items ?? []).map(linkOf);
    startKey = LastEvaluatedKey;
  } while (startKey);
}

const linkOf = (item: Record<string, unknown>): ChainLink => ({ position: Number(item.sk), entry: entryOf(item) });

/** The most entries the one Query of chainSnapshot returns; a longer chain is paged through from its start. */
export const SNAPSHOT_ENTRIES = 200;

/**
 * The chain head and, for a chain of up to SNAPSHOT_ENTRIES entries, all of them in chain order: one
 * strongly consistent Query of the entity's partition, newest first. `HEAD` sorts after every
 * sequence number, so it is read first, and an entry appended while the Query runs sorts above where
 * it has already passed. `complete` is false for a longer chain (or a page DynamoDB cut at 1 MB): then
 * `links` is empty and its entries are for chainPages.
 */
export async function chainSnapshot(entityType: string, entityId: string): Promise<{ head?: ChainHead; links: ChainLink[]; complete: boolean }> {
  const { Items = [], LastEvaluatedKey } = await documentClient.send(
    new QueryCommand({
      TableName: auditTableName(),
      KeyConditionExpression: 'pk = :pk AND sk >= :first',
      ExpressionAttributeValues: { ':pk': auditKeys.entityPartition(entityType, entityId), ':first': auditKeys.firstSeqSortKey() },
      ConsistentRead: true,
      ScanIndexForward: false,
      Limit: SNAPSHOT_ENTRIES + 1,
    }),
  );
  const headItem = Items[0]?.sk === auditKeys.head(entityType, entityId).sk ? Items[0] : undefined;
  const head = headItem ? headOf(headItem) : undefined;
  if (LastEvaluatedKey) return { ...(head ? { head } : {}), links: [], complete: false };
  return { ...(head ? { head } : {}), links: Items.slice(headItem ? 1 : 0).reverse().map(linkOf), complete: true };
}
