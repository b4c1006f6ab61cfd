import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../shared/db';
import { requireEnv } from '../shared/env';
import type { EntityDefinition } from './entities';

/**
 * Reads an entity's items for an export: one segment of a parallel Scan, page by page (exports are
 * the one place a Scan is right: they read a whole entity, off the request path). Filters (entity
 * type, time range, status) run in the Scan's FilterExpression, so only matching items travel.
 */
export interface ScanRange {
  /** ISO 8601 UTC, inclusive. */
  from?: string;
  to?: string;
  status?: string;
}

export interface ScanPage {
  items: Record<string, unknown>[];
  /** Undefined when the segment is finished. */
  lastKey?: Record<string, unknown>;
}

let auditTable: string | undefined;

export async function scanPage(
  entity: EntityDefinition,
  range: ScanRange,
  segment: number,
  totalSegments: number,
  startKey: Record<string, unknown> | undefined,
  pageLimit?: number,
): Promise<ScanPage> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const conditions: string[] = [];
  let table: string;
  if (entity.source.table === 'main') {
    table = tableName();
    names['#type'] = 'entityType';
    values[':type'] = entity.source.entityType;
    conditions.push('#type = :type');
  } else {
    auditTable ??= requireEnv('AUDIT_TABLE_NAME');
    table = auditTable;
    // Entries carry their chain link; chain heads, redelivery markers and holds do not.
    names['#prevHash'] = 'prevHash';
    conditions.push('attribute_exists(#prevHash)');
  }
  if (range.from !== undefined || range.to !== undefined) {
    names['#time'] = entity.timeAttribute;
    if (range.from !== undefined) {
      values[':from'] = range.from;
      conditions.push('#time >= :from');
    }
    if (range.to !== undefined) {
      values[':to'] = range.to;
      conditions.push('#time <= :to');
    }
  }
  if (range.status !== undefined && entity.status) {
    names['#status'] = entity.status.attribute;
    values[':status'] = range.status;
    conditions.push('#status = :status');
  }
  const { Items, LastEvaluatedKey } = await documentClient.send(
    new ScanCommand({
      TableName: table,
      Segment: segment,
      TotalSegments: totalSegments,
      FilterExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      ExclusiveStartKey: startKey,
      ...(pageLimit === undefined ? {} : { Limit: pageLimit }),
    }),
  );
  return { items: Items ?? [], ...(LastEvaluatedKey ? { lastKey: LastEvaluatedKey } : {}) };
}
