import { createHash } from 'node:crypto';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';

/**
 * The pure core of the audit log (docs/architecture.md#audit-log): what one stream record of the single table means as an
 * audit entry (entity, action, actor, changed fields), and how entries are hashed into a chain.
 * No I/O here, so every rule is unit-tested.
 */

export const AUDIT_ACTIONS = ['create', 'update', 'delete', 'restore', 'transition', 'remove'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** One change of one entity, as read from one stream record. */
export interface Change {
  /** The stream record's eventID: the same change delivered twice is recorded once. */
  eventId: string;
  entityType: string;
  entityId: string;
  action: AuditAction;
  /** `staff:<id>`, `partner:<id>` or `system:<component>`. */
  actor: string;
  /** ISO 8601 UTC time of the change. */
  at: string;
  requestId: string | null;
  sourceIp: string | null;
  changes: FieldChange[];
}

/** What the hash covers: the change and its place in the chain. */
export interface EntryContent extends Change {
  seq: number;
  /**
   * When the previous entry may expire (epoch seconds; null: there is none, or it is under legal
   * hold). Lets verify tell entries removed by the retention period from entries removed by hand.
   */
  prevExpiresAt: number | null;
}

export interface ChainedEntry extends EntryContent {
  prevHash: string;
  hash: string;
}

/** `prevHash` of an entity's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** Entity types name audit partitions (`<entityType>#<id>`): lower-case singular names (docs/architecture.md#names-in-the-contract). */
export const ENTITY_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_ENTITY_ID_LENGTH = 512;

/** The actor of writes that carry none (should not happen: every write is stamped). */
export const UNKNOWN_ACTOR = 'system:unknown';
/** The actor of items removed by DynamoDB's time to live. */
export const TTL_ACTOR = 'system:ttl';

/** A record the audit log cannot attribute to an entity: retrying will not help. */
export class UnattributableRecord extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnattributableRecord';
  }
}

// ---------------------------------------------------------------------------------------------
// Stream images → plain values

type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };
export type Image = Record<string, Plain>;

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A DynamoDB number as a JS number when that is exact, else as its decimal string. */
function numberOf(text: string): number | string {
  const value = Number(text);
  return Number.isFinite(value) && String(value) === text ? value : text;
}

/**
 * Lambda's stream attribute values → JSON values. Sets become sorted arrays (DynamoDB returns set
 * members in no fixed order), binaries stay base64 strings, numbers that a double cannot hold exactly
 * stay strings — so the same item always gives the same value, and the value survives a round trip
 * through the audit table unchanged (the hash depends on it).
 */
export function plainValue(value: AttributeValue): Plain {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return numberOf(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.B !== undefined) return value.B;
  if (value.SS !== undefined) return [...value.SS].sort(byCodeUnit);
  if (value.NS !== undefined) return [...value.NS].sort((a, b) => Number(a) - Number(b) || byCodeUnit(a, b)).map(numberOf);
  if (value.BS !== undefined) return [...value.BS].sort(byCodeUnit);
  if (value.L !== undefined) return value.L.map(plainValue);
  if (value.M !== undefined) return plainImage(value.M);
  return null;
}

export function plainImage(image: Record<string, AttributeValue>): Image {
  const out: Image = {};
  for (const [name, value] of Object.entries(image)) out[name] = plainValue(value);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Canonical JSON and the hash chain

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members left out.
 * Equal values always serialize to the same string, whatever order their keys were built in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => byCodeUnit(a, b))
      .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The fields an entry's hash covers (storage fields such as `expiresAt` are not part of it). */
export function contentOf(entry: EntryContent): EntryContent {
  const { seq, prevExpiresAt, eventId, entityType, entityId, action, actor, at, requestId, sourceIp, changes } = entry;
  return { seq, prevExpiresAt: prevExpiresAt ?? null, eventId, entityType, entityId, action, actor, at, requestId, sourceIp, changes };
}

/** `sha256(prevHash + canonical entry)`, hex. */
export function chainHash(prevHash: string, entry: EntryContent): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(contentOf(entry))).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Changed fields

/**
 * Attributes that record how an item is stored or who wrote it, not what it is: never listed as
 * changes. `history` is an order's embedded list of its transitions, which the audit entry of each
 * transition already states (status before and after, actor, time); listing it would copy the whole
 * list into every entry.
 */
const BOOKKEEPING_FIELDS = new Set(['pk', 'sk', 'entityType', 'version', 'updatedAt', 'updatedBy', 'requestId', 'sourceIp', 'history']);
const INDEX_KEY_FIELD = /^gsi\d+(pk|sk)$/;

export function isBookkeepingField(field: string): boolean {
  return BOOKKEEPING_FIELDS.has(field) || INDEX_KEY_FIELD.test(field);
}

/** Field names whose values are secrets (or hashes of them) and are never copied into the log. */
const SECRET_FIELD = /secret|password|passcode|token|hash|private_?key|usageIdentifierKey/i;
export const REDACTED = '[redacted]';

export function isSecretField(field: string): boolean {
  return SECRET_FIELD.test(field);
}

/** Replaces secret values, at any depth, by REDACTED. */
function redact(field: string, value: Plain | undefined): Plain | undefined {
  if (value === undefined || value === null) return value;
  if (isSecretField(field)) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redact('', item) as Plain);
  if (typeof value === 'object') {
    const out: Record<string, Plain> = {};
    for (const [key, member] of Object.entries(value)) out[key] = redact(key, member) as Plain;
    return out;
  }
  return value;
}

/**
 * The fields that differ between two images (either may be missing), sorted by name; bookkeeping
 * fields are left out and secrets redacted. A field that is absent on one side has `null` there.
 * A changed secret is listed (both sides REDACTED), so the log still shows that it changed.
 */
export function diffImages(before: Image | undefined, after: Image | undefined): FieldChange[] {
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changes: FieldChange[] = [];
  for (const field of [...fields].sort(byCodeUnit)) {
    if (isBookkeepingField(field)) continue;
    const old = before?.[field];
    const next = after?.[field];
    // An absent field and a null one are the same for the log.
    if (canonicalJson(old) === canonicalJson(next)) continue;
    changes.push({ field, before: redact(field, old) ?? null, after: redact(field, next) ?? null });
  }
  return changes;
}

/** An entry stays well below DynamoDB's 400 KB item limit (before and after of a large item are twice its size). */
export const MAX_CHANGES_BYTES = 300 * 1024;

/**
 * Keeps the changed values of one entry under `budget` bytes: while they are larger, the largest value
 * is replaced by its size and SHA-256 (`{omitted, bytes, sha256}`). The change stays visible and
 * checkable against the item; the entry stays writable instead of failing forever.
 */
export function fitChanges(changes: FieldChange[], budget = MAX_CHANGES_BYTES): FieldChange[] {
  const slots = changes.flatMap((change, index) =>
    (['before', 'after'] as const).map((side) => {
      const json = canonicalJson(change[side]);
      return { index, side, json, bytes: Buffer.byteLength(json, 'utf8') };
    }),
  );
  let total = slots.reduce((sum, slot) => sum + slot.bytes, 0);
  if (total <= budget) return changes;
  const fitted = changes.map((change) => ({ ...change }));
  for (const slot of [...slots].sort((a, b) => b.bytes - a.bytes)) {
    if (total <= budget) break;
    const digest = { omitted: 'too large', bytes: slot.bytes, sha256: createHash('sha256').update(slot.json).digest('hex') };
    fitted[slot.index]![slot.side] = digest;
    total += Buffer.byteLength(canonicalJson(digest), 'utf8') - slot.bytes;
  }
  return fitted;
}

// ---------------------------------------------------------------------------------------------
// One stream record → one change

const present = (value: Plain | undefined) => value !== undefined && value !== null;
const text = (value: Plain | undefined) => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * create (INSERT, or a new item put over a soft-deleted one: `deletedAt` disappears and `createdAt`
 * changes, e.g. a custom role created again under a deleted role's name) · remove (REMOVE: a hard
 * delete) · delete (`deletedAt` appears: a soft delete) · restore (`deletedAt` disappears) ·
 * transition (`status` changes) · update (anything else).
 */
export function classify(eventName: DynamoDBRecord['eventName'], before: Image | undefined, after: Image | undefined): AuditAction {
  if (eventName === 'INSERT') return 'create';
  if (eventName === 'REMOVE') return 'remove';
  const wasDeleted = present(before?.deletedAt);
  const isDeleted = present(after?.deletedAt);
  if (!wasDeleted && isDeleted) return 'delete';
  if (wasDeleted && !isDeleted) return canonicalJson(before?.createdAt) === canonicalJson(after?.createdAt) ? 'restore' : 'create';
  if (canonicalJson(before?.status) !== canonicalJson(after?.status)) return 'transition';
  return 'update';
}

/**
 * The entity an item belongs to. The canonical layout `pk=<TYPE>#<id>, sk=<TYPE>` names it in the key;
 * other items (children such as `pk=ORDER#<id>, sk=PAYMENT#<id>`) by their `id` attribute, else by
 * `<parent id>/<sort key>`. Works for entity types that do not exist yet.
 */
export function entityIdOf(image: Image): string | undefined {
  const pk = text(image.pk);
  const sk = text(image.sk);
  if (pk && sk) {
    const cut = pk.indexOf('#');
    const prefix = cut < 0 ? pk : pk.slice(0, cut);
    const rest = cut < 0 ? '' : pk.slice(cut + 1);
    if (rest && sk === prefix) return rest;
  }
  const id = text(image.id);
  if (id) return id;
  if (pk && sk) {
    const cut = pk.indexOf('#');
    return `${cut < 0 ? pk : pk.slice(cut + 1)}/${sk}`;
  }
  return undefined;
}

function isoTime(value: Plain | undefined): string | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function removedByTtl(record: DynamoDBRecord): boolean {
  return record.userIdentity?.type === 'Service' && record.userIdentity?.principalId === 'dynamodb.amazonaws.com';
}

/**
 * An update whose new image carries the very stamp of the old one did not stamp the item: the stamp
 * names an earlier write (every request writes an item at most once, with its own request id).
 */
function restamped(before: Image | undefined, after: Image | undefined): boolean {
  return !(
    before !== undefined &&
    after !== undefined &&
    text(after.requestId) !== undefined &&
    before.requestId === after.requestId &&
    before.updatedAt === after.updatedAt &&
    before.updatedBy === after.updatedBy
  );
}

/**
 * Reads one stream record of the single table. The actor, request id and source IP come from the
 * write stamp of the new image (`updatedBy`; `deletedBy` for a soft delete); a hard delete carries no
 * stamp of its own, so it names the old image's (a TTL expiry names `system:ttl`). An update that
 * left the old stamp in place is not pinned on the earlier writer: it is `system:unknown`, at the
 * stream record's time. Throws UnattributableRecord for a record that names no valid entity.
 */
export function changeOf(record: DynamoDBRecord, now: () => string): Change {
  const eventId = record.eventID;
  const eventName = record.eventName;
  if (!eventId || !eventName) throw new UnattributableRecord('The stream record has no eventID or eventName');
  const before = record.dynamodb?.OldImage ? plainImage(record.dynamodb.OldImage) : undefined;
  const after = record.dynamodb?.NewImage ? plainImage(record.dynamodb.NewImage) : undefined;
  const image = eventName === 'REMOVE' ? before : after;
  if (!image) throw new UnattributableRecord(`The ${eventName} record ${eventId} has no ${eventName === 'REMOVE' ? 'old' : 'new'} image`);

  const entityType = text(image.entityType);
  if (!entityType || !ENTITY_TYPE_PATTERN.test(entityType)) {
    throw new UnattributableRecord(`The record ${eventId} has no valid entity type (${JSON.stringify(image.entityType ?? null)})`);
  }
  const entityId = entityIdOf(image);
  if (!entityId || entityId.length > MAX_ENTITY_ID_LENGTH) throw new UnattributableRecord(`The record ${eventId} names no entity id`);

  const action = classify(eventName, before, after);
  const ttl = eventName === 'REMOVE' && removedByTtl(record);
  const stamped = !ttl && (eventName !== 'MODIFY' || restamped(before, after));
  const stampedActor = action === 'delete' ? text(image.deletedBy) ?? text(image.updatedBy) : text(image.updatedBy) ?? text(image.deletedBy);
  const streamTime = record.dynamodb?.ApproximateCreationDateTime;
  const recordTime = streamTime === undefined ? undefined : new Date(streamTime * 1000).toISOString();
  return {
    eventId,
    entityType,
    entityId,
    action,
    actor: ttl ? TTL_ACTOR : stamped ? stampedActor ?? UNKNOWN_ACTOR : UNKNOWN_ACTOR,
    at: (eventName === 'REMOVE' || !stamped ? undefined : isoTime(image.updatedAt)) ?? recordTime ?? now(),
    requestId: stamped ? text(image.requestId) ?? null : null,
    sourceIp: stamped ? text(image.sourceIp) ?? null : null,
    changes: fitChanges(diffImages(before, after)),
  };
}
