import { DescribeTableCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { bulkReadClient, tableName } from '../shared/db';
import { requireEnv } from '../shared/env';
import { logger } from '../shared/logger';
import type { EntityDefinition } from './entities';

/**
 * Reads an entity's items for an export: one segment of a parallel Scan, page by page (exports are
 * the one place a Scan is right: they read a whole entity, off the request path). Filters (entity
 * type, time range, status) run in the Scan's FilterExpression, so only matching items travel, and
 * only the attributes the entity's rows are made of (ProjectionExpression of its `attributes`).
 *
 * The low-level client, not the document client: a page is decoded once, by `nativeOf` below, and
 * only its projected attributes, instead of the document client's second pass over every item; the
 * client's logger middleware is removed, because it copies every answer through the operation's
 * schema for a log line that is never written (together about three quarters of the worker's CPU time
 * per row before; docs/decisions.md, "Exports read at the engine's speed").
 */
export interface ScanRange {
  /** ISO 8601 UTC, inclusive. */
  from?: string;
  to?: string;
  status?: string;
}

/** A key of the table (the checkpoint keeps it as plain JSON: strings and numbers). */
export type ScanKey = Record<string, unknown>;

export interface ScanPage {
  items: Record<string, unknown>[];
  /** Undefined when the segment is finished. */
  lastKey?: ScanKey;
}

let auditTable: string | undefined;
function tableOf(entity: EntityDefinition): string {
  if (entity.source.table === 'main') return tableName();
  auditTable ??= requireEnv('AUDIT_TABLE_NAME');
  return auditTable;
}

/** Table bytes per parallel Scan segment: a segment reads about this much (see scanSegments). */
export const SEGMENT_BYTES = 16 * 1024 * 1024;
export const MAX_SEGMENTS = 16;
const FALLBACK_SEGMENTS = 4;

/**
 * The number of parallel Scan segments for an export of the entity: one per SEGMENT_BYTES of the
 * table it reads (DescribeTable's size, which DynamoDB refreshes about every six hours), at least 1
 * and at most MAX_SEGMENTS. A Scan reads the whole table whatever the filter, so the table's size,
 * not the entity's share, is the work. A small table takes one segment (no requests for empty
 * segments); a large one as many as keep the worker's CPU busy without holding more pages than its
 * memory allows (each segment holds at most two: the one being written and the next).
 */
export async function scanSegments(entity: EntityDefinition): Promise<number> {
  try {
    const { Table } = await bulkReadClient().send(new DescribeTableCommand({ TableName: tableOf(entity) }));
    const bytes = Table?.TableSizeBytes ?? 0;
    return Math.min(MAX_SEGMENTS, Math.max(1, Math.ceil(bytes / SEGMENT_BYTES)));
  } catch (error) {
    logger.warn('Export: DescribeTable failed, scanning with the default segment count', { segments: FALLBACK_SEGMENTS, error: String(error) });
    return FALLBACK_SEGMENTS;
  }
}

/** A DynamoDB number as the document client reads it: a number, or a bigint beyond 2^53. */
function numberOf(text: string): number | bigint {
  const value = Number(text);
  if ((value > Number.MAX_SAFE_INTEGER || value < Number.MIN_SAFE_INTEGER) && Number.isFinite(value)) return BigInt(text);
  return value;
}

/**
 * One attribute value as a plain value, exactly as the document client's unmarshall gives it (sets
 * as Set, binary as Uint8Array, numbers as numberOf), without its per-value Object.entries and
 * reduce: the types are tried in the order stored items have them most.
 */
export function nativeOf(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return numberOf(value.N);
  if (value.M !== undefined) return mapOf(value.M);
  if (value.L !== undefined) {
    const list = value.L;
    const out = new Array<unknown>(list.length);
    for (let i = 0; i < list.length; i++) out[i] = nativeOf(list[i]!);
    return out;
  }
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.SS !== undefined) return new Set(value.SS);
  if (value.NS !== undefined) return new Set(value.NS.map(numberOf));
  if (value.B !== undefined) return value.B;
  if (value.BS !== undefined) return new Set(value.BS);
  throw new Error(`Unsupported attribute value: ${Object.keys(value).join(', ')}`);
}

function mapOf(map: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in map) out[key] = nativeOf(map[key]!);
  return out;
}

/** Only the projected attributes of each item are decoded (DynamoDB returns nothing else). */
function itemsOf(items: Record<string, AttributeValue>[] | undefined, attributes: readonly string[]): Record<string, unknown>[] {
  if (!items) return [];
  const out = new Array<Record<string, unknown>>(items.length);
  for (let i = 0; i < items.length; i++) {
    const raw = items[i]!;
    const item: Record<string, unknown> = {};
    for (const name of attributes) {
      const value = raw[name];
      if (value !== undefined) item[name] = nativeOf(value);
    }
    out[i] = item;
  }
  return out;
}

/** Keys are strings (pk, sk) here; numbers are kept for any other table. */
function keyOf(key: Record<string, AttributeValue>): ScanKey {
  return mapOf(key);
}
function startKeyOf(key: ScanKey): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(key)) {
    if (typeof value === 'string') out[name] = { S: value };
    else if (typeof value === 'number' || typeof value === 'bigint') out[name] = { N: String(value) };
    else throw new Error(`Unsupported key attribute ${name}`);
  }
  return out;
}

/** The parts of a Scan request that are the same on every page of a job. */
export interface ScanRequest {
  table: string;
  filter: string;
  projection: string;
  names: Record<string, string>;
  values?: Record<string, AttributeValue>;
  attributes: readonly string[];
}

export function scanRequest(entity: EntityDefinition, range: ScanRange): ScanRequest {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const conditions: string[] = [];
  if (entity.source.table === 'main') {
    names['#type'] = 'entityType';
    values[':type'] = { S: entity.source.entityType };
    conditions.push('#type = :type');
  } else {
    // Entries carry their chain link; chain heads, redelivery markers and holds do not.
    names['#prevHash'] = 'prevHash';
    conditions.push('attribute_exists(#prevHash)');
  }
  if (range.from !== undefined || range.to !== undefined) {
    names['#time'] = entity.timeAttribute;
    if (range.from !== undefined) {
      values[':from'] = { S: range.from };
      conditions.push('#time >= :from');
    }
    if (range.to !== undefined) {
      values[':to'] = { S: range.to };
      conditions.push('#time <= :to');
    }
  }
  if (range.status !== undefined && entity.status) {
    names['#status'] = entity.status.attribute;
    values[':status'] = { S: range.status };
    conditions.push('#status = :status');
  }
  // Placeholders for every projected name: several (name, status, source, …) are reserved words.
  const projection = entity.attributes.map((attribute, index) => {
    names[`#p${index}`] = attribute;
    return `#p${index}`;
  });
  return {
    table: tableOf(entity),
    filter: conditions.join(' AND '),
    projection: projection.join(', '),
    names,
    ...(Object.keys(values).length > 0 ? { values } : {}),
    attributes: entity.attributes,
  };
}

export async function scanPage(
  request: ScanRequest,
  segment: number,
  totalSegments: number,
  startKey: ScanKey | undefined,
  pageLimit?: number,
): Promise<ScanPage> {
  const { Items, LastEvaluatedKey } = await bulkReadClient().send(
    new ScanCommand({
      TableName: request.table,
      Segment: segment,
      TotalSegments: totalSegments,
      FilterExpression: request.filter,
      ProjectionExpression: request.projection,
      ExpressionAttributeNames: request.names,
      ...(request.values ? { ExpressionAttributeValues: request.values } : {}),
      ...(startKey ? { ExclusiveStartKey: startKeyOf(startKey) } : {}),
      ...(pageLimit === undefined ? {} : { Limit: pageLimit }),
    }),
  );
  return { items: itemsOf(Items, request.attributes), ...(LastEvaluatedKey ? { lastKey: keyOf(LastEvaluatedKey) } : {}) };
}
