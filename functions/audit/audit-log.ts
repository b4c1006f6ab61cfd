import { now as clockNow } from '../shared/clock';
import { decodeCursor, encodeCursor } from '../shared/cursor';
import { badRequest } from '../shared/errors';
import { auditKeys } from '../shared/keys';
import { chainHash, GENESIS_HASH, type Change } from './audit-entry';
import pLimit from 'p-limit';
import { MAX_TRANSACTION_ACTIONS } from '../shared/transaction-repository';
import {
  appendActionCount,
  appendToChains,
  chainPages,
  chainSnapshot,
  queryActorEntries,
  queryDayEntries,
  queryEntityEntries,
  readChainStates,
  MAX_ENTRIES_PER_APPEND,
  type ChainAppend,
  type ChainLink,
  type ChainState,
  type Page,
  type StoredEntry,
} from './audit-repository';
import type { AuditEntry, ListAuditQuery, VerifyResult } from './schemas';

/** Audit log use cases: append a change (the stream consumer), list entries, verify a chain. */

const DAY_SECONDS = 24 * 60 * 60;
/** Default retention of entries: 7 years (AUDIT_RETENTION_DAYS overrides it). */
export const DEFAULT_RETENTION_DAYS = 2557;
/** Markers only need to outlive the stream (24 h) and a replay from the failure destination. */
const MARKER_TTL_SECONDS = 7 * DAY_SECONDS;
/** Appends retried when another writer moved the same chain first. */
const MAX_APPEND_ATTEMPTS = 5;

export interface RecordOptions {
  retentionDays: number;
  /** Epoch milliseconds; for the marker's expiry. */
  now?: () => number;
}

/** An entry's expiry: `at` plus the retention period, in epoch seconds. */
export function expiryOf(at: string, retentionDays: number): number {
  return Math.floor(Date.parse(at) / 1000) + Math.round(retentionDays * DAY_SECONDS);
}

/** What one transaction may carry, well under TransactWriteItems' 4 MB (an entry is at most one item's 400 KB). */
const MAX_APPEND_BYTES = 3 * 1024 * 1024;
/** Transactions of a batch in flight at once (they touch different chains). */
const TRANSACTION_CONCURRENCY = 4;

/** The changes' entries, chained after the head the state read. */
function chainEntries(changes: readonly Change[], state: ChainState, retentionDays: number): StoredEntry[] {
  let head = state.head;
  return changes.map((change) => {
    const seq = (head?.seq ?? 0) + 1;
    const prevHash = head?.hash ?? GENESIS_HASH;
    const content = { ...change, seq, prevExpiresAt: head ? head.expiresAt : null };
    const entry: StoredEntry = {
      ...content,
      prevHash,
      hash: chainHash(prevHash, content),
      day: auditKeys.day(change.at),
      ...(state.held ? { legalHold: true } : { expiresAt: expiryOf(change.at, retentionDays) }),
    };
    head = { seq, hash: entry.hash, expiresAt: entry.expiresAt ?? null };
    return entry;
  });
}

const sizeOf = (entries: readonly StoredEntry[]) => entries.reduce((bytes, entry) => bytes + JSON.stringify(entry).length, 0);

/** Consecutive runs of entries that each fit one transaction. */
function appendsOf(entries: readonly StoredEntry[]): StoredEntry[][] {
  const appends: StoredEntry[][] = [];
  let current: StoredEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = JSON.stringify(entry).length;
    if (current.length > 0 && (current.length >= MAX_ENTRIES_PER_APPEND || bytes + size > MAX_APPEND_BYTES)) {
      appends.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) appends.push(current);
  return appends;
}

export interface RecordResult {
  appended: number;
  duplicates: number;
}

const markerExpiry = (options: RecordOptions) => Math.floor((options.now ?? clockNow)() / 1000) + MARKER_TTL_SECONDS;

/**
 * Appends changes of one entity, in the order given, to its chain, each exactly once: changes whose
 * stream event is already recorded append nothing (duplicates); the rest are chained after the head
 * and written in as few transactions as fit (up to MAX_ENTRIES_PER_APPEND entries each). A writer
 * that lost the race for the head, or found an event recorded meanwhile, reads the chain again and
 * carries on with what is still unrecorded.
 */
export function recordChanges(changes: readonly Change[], options: RecordOptions): Promise<RecordResult> {
  return recordChain(changes, options);
}

/** recordChanges, starting from a state already read (fresh from the same request) when given. */
async function recordChain(changes: readonly Change[], options: RecordOptions, known?: ChainState): Promise<RecordResult> {
  const first = changes[0];
  if (!first) return { appended: 0, duplicates: 0 };
  const { entityType, entityId } = first;
  if (changes.some((c) => c.entityType !== entityType || c.entityId !== entityId)) throw new Error('recordChanges takes the changes of one entity');
  let pending = [...changes];
  let appended = 0;
  for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt += 1) {
    const [state] = attempt === 1 && known ? [known] : await readChainStates([{ entityType, entityId, eventIds: pending.map((c) => c.eventId) }]);
    pending = pending.filter((c) => !state!.recorded.has(c.eventId));
    if (pending.length === 0) return { appended, duplicates: changes.length - appended };
    let previousSeq = state!.head?.seq;
    for (const append of appendsOf(chainEntries(pending, state!, options.retentionDays))) {
      if ((await appendToChains([{ entries: append, previousSeq }], markerExpiry(options))) !== 'appended') break;
      appended += append.length;
      previousSeq = append[append.length - 1]!.seq;
      const written = new Set(append.map((e) => e.eventId));
      pending = pending.filter((c) => !written.has(c.eventId));
    }
    if (pending.length === 0) return { appended, duplicates: changes.length - appended };
  }
  throw new Error(`The audit chain of ${entityType} ${entityId} kept moving; ${pending.length} change(s) will be retried`);
}

/**
 * Appends the changes of many entities (one list per entity, each in stream order), each exactly
 * once, in few requests: the state of every chain in one read, then the chains' appends packed
 * several to a transaction (a chain's whole append in one), those transactions sent at once. A chain
 * whose transaction lost a race, or too long for one transaction, goes the way of recordChanges.
 * Returns, per entity, the error that kept its changes from being recorded (undefined: recorded).
 */
export async function recordBatch(chains: ReadonlyArray<readonly Change[]>, options: RecordOptions): Promise<Array<Error | undefined>> {
  const outcome: Array<Error | undefined> = chains.map(() => undefined);
  /** Chains recorded on their own: with the state read (too long for a shared transaction), or afresh (undefined: lost a race). */
  const alone = new Map<number, ChainState | undefined>();
  const states = await readChainStates(chains.map((changes) => ({ entityType: changes[0]!.entityType, entityId: changes[0]!.entityId, eventIds: changes.map((c) => c.eventId) })));
  const packed: Array<{ chains: number[]; appends: ChainAppend[]; actions: number; bytes: number }> = [];
  chains.forEach((changes, index) => {
    const state = states[index]!;
    const pending = changes.filter((c) => !state.recorded.has(c.eventId));
    if (pending.length === 0) return;
    const entries = chainEntries(pending, state, options.retentionDays);
    const actions = appendActionCount(entries.length);
    const bytes = sizeOf(entries);
    if (actions > MAX_TRANSACTION_ACTIONS || bytes > MAX_APPEND_BYTES) {
      alone.set(index, state);
      return;
    }
    let transaction = packed.find((t) => t.actions + actions <= MAX_TRANSACTION_ACTIONS && t.bytes + bytes <= MAX_APPEND_BYTES);
    if (!transaction) packed.push((transaction = { chains: [], appends: [], actions: 0, bytes: 0 }));
    transaction.chains.push(index);
    transaction.appends.push({ entries, previousSeq: state.head?.seq });
    transaction.actions += actions;
    transaction.bytes += bytes;
  });
  const limit = pLimit(TRANSACTION_CONCURRENCY);
  await Promise.all(
    packed.map((transaction) =>
      limit(async () => {
        const result = await appendToChains(transaction.appends, markerExpiry(options)).catch(() => 'failed' as const);
        if (result !== 'appended') for (const index of transaction.chains) alone.set(index, undefined);
      }),
    ),
  );
  await Promise.all(
    [...alone].map(([index, state]) =>
      limit(async () => {
        try {
          await recordChain(chains[index]!, options, state);
        } catch (error) {
          outcome[index] = error instanceof Error ? error : new Error(String(error));
        }
      }),
    ),
  );
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// Listing

export function toAuditEntry(entry: StoredEntry): AuditEntry {
  return {
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    changes: entry.changes,
    requestId: entry.requestId ?? null,
    sourceIp: entry.sourceIp ?? null,
    hash: entry.hash,
    prevHash: entry.prevHash,
    legalHold: entry.legalHold === true,
    ...(entry.expiresAt === undefined ? {} : { expiresAt: new Date(entry.expiresAt * 1000).toISOString() }),
  };
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const previousDay = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) - DAY_SECONDS * 1000).toISOString().slice(0, 10);

/** A cursor of a time-range listing: the day being read and, within it, DynamoDB's last key. */
interface DayCursor {
  day: string;
  key?: Record<string, unknown>;
}

function dayCursorOf(raw: Record<string, unknown> | undefined, fromDay: string, toDay: string): DayCursor | undefined {
  if (raw === undefined) return undefined;
  const day = raw.day;
  const key = raw.key;
  const valid =
    typeof day === 'string' && DAY_PATTERN.test(day) && day >= fromDay && day <= toDay &&
    (key === undefined || (typeof key === 'object' && key !== null && !Array.isArray(key)));
  if (!valid) throw badRequest('The cursor is invalid', [{ path: 'query.cursor', message: 'Invalid cursor' }]);
  return { day, ...(key ? { key: key as Record<string, unknown> } : {}) };
}

/**
 * One Query per page:
 * - by entity (`entityType` + `entityId`): its entries in chain order; `actor`, `from`, `to` filter;
 * - by actor: byActor index, newest first, within `from`/`to` when given;
 * - by time range (`from` + `to`, at most 31 days): byDay index, one day partition per page, newest
 *   first; a page that finishes a day ends there (it may be short, even empty) and its cursor
 *   continues with the day before. The one list whose cursor may lead to nothing: a page reads one
 *   day, so it cannot know whether the earlier days of the range hold entries.
 */
export async function listEntries(query: ListAuditQuery): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  const { entityType, entityId, actor, from, to, limit, cursor } = query;
  const binding = ['audit', entityType ?? '', entityId ?? '', actor ?? '', from ?? '', to ?? ''].join('|');
  let page: Page;
  if (entityType !== undefined && entityId !== undefined) {
    page = await queryEntityEntries({ entityType, entityId, actor, from, to, limit, startKey: decodeCursor(cursor, binding) });
  } else if (actor !== undefined) {
    page = await queryActorEntries({ actor, from, to, limit, startKey: decodeCursor(cursor, binding) });
  } else {
    // The schema guarantees both bounds in this mode.
    const fromDay = auditKeys.day(from!);
    const toDay = auditKeys.day(to!);
    const position = dayCursorOf(decodeCursor(cursor, binding), fromDay, toDay) ?? { day: toDay };
    const dayPage = await queryDayEntries({ day: position.day, from: from!, to: to!, limit, startKey: position.key });
    const next: DayCursor | undefined = dayPage.lastKey
      ? { day: position.day, key: dayPage.lastKey }
      : position.day > fromDay
        ? { day: previousDay(position.day) }
        : undefined;
    return {
      items: dayPage.items.map(toAuditEntry),
      nextCursor: encodeCursor(next as Record<string, unknown> | undefined, binding),
    };
  }
  return { items: page.items.map(toAuditEntry), nextCursor: encodeCursor(page.lastKey, binding) };
}

// ---------------------------------------------------------------------------------------------
// Verification

/**
 * Walks an entity's chain in sequence order and recomputes every hash. Broken: a missing sequence
 * number (`missing-entry`), an entry whose content or link does not match its hash (`hash-mismatch`),
 * or a chain that disagrees with its head (`head-mismatch`; the head records the latest sequence
 * number and hash, so entries cut off at the end are noticed too).
 *
 * Entries the retention period removed are not breaks: every entry records when its predecessor may
 * expire (`prevExpiresAt`, covered by its hash) and the head when the latest one may, so a gap is
 * accepted when the entry just before it was due to expire (earlier entries expire earlier). Such a
 * gap is counted in `expired`; the entry after it is checked against its own hash only.
 * The head is read first, so entries appended while this runs do not count as breaks.
 *
 * One request for a chain of up to SNAPSHOT_ENTRIES entries: a Query newest first returns the head and
 * then the entries. A longer chain is paged through from its start after that. A head ahead of the
 * last entry read — a Query is not isolated from the appending transaction, so the head of an append
 * may show without its entry, or the tail was cut off — reads on past that entry before it judges.
 */
export async function verifyChain(entityType: string, entityId: string, nowMs: number = clockNow()): Promise<VerifyResult> {
  const nowSeconds = Math.floor(nowMs / 1000);
  const expiredBy = (expiresAt: number | null | undefined) => typeof expiresAt === 'number' && expiresAt <= nowSeconds;
  const snapshot = await chainSnapshot(entityType, entityId);
  const head = snapshot.head;
  let expected = 1;
  let prevHash = GENESIS_HASH;
  let verified = 0;
  let expired = 0;
  /** Checks the next links of the chain; the first break, if any. */
  const walk = (links: readonly ChainLink[]): VerifyResult | undefined => {
    for (const { position, entry } of links) {
      if (position > expected) {
        if (!expiredBy(entry.prevExpiresAt)) return { ok: false, brokenAt: expected, reason: 'missing-entry' };
        expired += position - expected;
        expected = position;
        prevHash = entry.prevHash;
      }
      const valid =
        position === expected &&
        entry.seq === expected &&
        entry.entityType === entityType &&
        entry.entityId === entityId &&
        entry.prevHash === prevHash &&
        chainHash(prevHash, entry) === entry.hash;
      if (!valid) return { ok: false, brokenAt: expected, reason: 'hash-mismatch' };
      if (head && entry.seq === head.seq && head.hash !== entry.hash) return { ok: false, brokenAt: expected, reason: 'head-mismatch' };
      prevHash = entry.hash;
      expected += 1;
      verified += 1;
    }
    return undefined;
  };
  const pages: AsyncIterable<ChainLink[]> | Iterable<ChainLink[]> = snapshot.complete ? [snapshot.links] : chainPages(entityType, entityId);
  for await (const links of pages) {
    const broken = walk(links);
    if (broken) return broken;
  }
  if (head && head.seq > expected - 1 && !expiredBy(head.expiresAt)) {
    for await (const links of chainPages(entityType, entityId, expected - 1)) {
      const broken = walk(links);
      if (broken) return broken;
    }
  }
  const last = expected - 1;
  if (head && head.seq > last) {
    if (!expiredBy(head.expiresAt)) return { ok: false, brokenAt: last + 1, reason: 'missing-entry' };
    expired += head.seq - last;
  }
  if (!head && last > 0) return { ok: false, brokenAt: last, reason: 'head-mismatch' };
  return { ok: true, entries: verified, ...(expired > 0 ? { expired } : {}), ...(head ? { headHash: head.hash } : {}) };
}
