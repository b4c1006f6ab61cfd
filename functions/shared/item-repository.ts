import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ConditionFailed } from './conditional';
import { documentClient, tableName } from './db';
import { pageOf } from './paging';
import { SINGLE_TABLE } from './schema/tables';
import type { PrimaryKey, SortRange } from './keys';
import type { UpdateParts } from './update-expression';

/** The building blocks every module repository uses: one request each. */

/** The table's key attributes and every index's, from the table definition (a new index cannot be missed). */
const KEY_ATTRIBUTES = [
  SINGLE_TABLE.partitionKey,
  SINGLE_TABLE.sortKey,
  ...SINGLE_TABLE.globalIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  'entityType',
];

/** The stored item without its table keys: the record a use case works with. */
export function recordOf<T>(item: Record<string, unknown>): T {
  const record: Record<string, unknown> = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete record[attribute];
  return record as T;
}

export async function getRecord<T>(key: PrimaryKey): Promise<T | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  return Item ? recordOf<T>(Item) : undefined;
}

/**
 * One UpdateItem under `condition` (and, when given, the caller's `version`); returns the new
 * record. A lost condition throws ConditionFailed with the item DynamoDB compared against.
 */
export async function updateRecord<T>(
  key: PrimaryKey,
  update: UpdateParts,
  condition: string,
  expectedVersion?: number,
): Promise<T> {
  try {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        ...update,
        ExpressionAttributeValues: {
          ...update.ExpressionAttributeValues,
          ...(expectedVersion === undefined ? {} : { ':expected': expectedVersion }),
        },
        ConditionExpression: condition + (expectedVersion === undefined ? '' : ' AND version = :expected'),
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return recordOf<T>(Attributes!);
  } catch (error) {
    // The document client does not unmarshall the item attached to the error.
    if (error instanceof ConditionalCheckFailedException) throw new ConditionFailed(error.Item ? unmarshall(error.Item) : undefined);
    throw error;
  }
}

export interface PageQuery {
  /** An index, or the table itself (`pk`/`sk`) when omitted. */
  index?: 'gsi1' | 'gsi2' | 'gsi3' | 'gsi4';
  partition: string;
  /** Only items whose index sort key starts with this. */
  sortPrefix?: string;
  /** Only items whose sort key lies in this range (instead of `sortPrefix`). */
  sortRange?: SortRange;
  limit: number;
  startKey?: Record<string, unknown>;
  /** Newest (highest sort key) first unless false. */
  descending?: boolean;
  /**
   * A FilterExpression (its own `#names` and `:values`). DynamoDB applies it after `limit` items were
   * read, so a page may hold fewer items (even none) and still have a next key: no item is skipped.
   */
  filter?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> };
}

function keyCondition(query: PageQuery): { expression: string; values: Record<string, unknown> } {
  if (query.sortRange) {
    return { expression: '#pk = :pk AND #sk BETWEEN :lower AND :upper', values: { ':lower': query.sortRange.lower, ':upper': query.sortRange.upper } };
  }
  if (query.sortPrefix) return { expression: '#pk = :pk AND begins_with(#sk, :prefix)', values: { ':prefix': query.sortPrefix } };
  return { expression: '#pk = :pk', values: {} };
}

/** The attributes of a continuation key on `index` (or the table): the table's keys and the index's. */
function continuationAttributes(index: PageQuery['index']): string[] {
  const definition = SINGLE_TABLE.globalIndexes.find((candidate) => candidate.indexName === index);
  return [SINGLE_TABLE.partitionKey, SINGLE_TABLE.sortKey, ...(definition ? [definition.partitionKey, definition.sortKey] : [])];
}

/**
 * One Query on a partition of an index (or of the table): a page of at most `limit` records and,
 * only when more follow, the key to continue from (it asks for one item more; see shared/paging.ts).
 */
export async function queryPage<T>(query: PageQuery): Promise<{ items: T[]; lastKey?: Record<string, unknown> }> {
  const prefix = query.index ?? '';
  const condition = keyCondition(query);
  const names = { '#pk': `${prefix}pk`, ...(query.sortPrefix || query.sortRange ? { '#sk': `${prefix}sk` } : {}), ...query.filter?.names };
  const values = { ':pk': query.partition, ...condition.values, ...query.filter?.values };
  const { Items, LastEvaluatedKey } = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: query.index,
      KeyConditionExpression: condition.expression,
      FilterExpression: query.filter?.expression,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: query.descending === false,
      Limit: query.limit + 1,
      ExclusiveStartKey: query.startKey,
    }),
  );
  const page = pageOf(Items ?? [], LastEvaluatedKey, query.limit, continuationAttributes(query.index));
  return { items: page.items.map((item) => recordOf<T>(item)), ...(page.lastKey ? { lastKey: page.lastKey } : {}) };
}
