import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ConditionFailed } from './conditional';
import { documentClient, tableName } from './db';
import type { PrimaryKey } from './keys';
import type { UpdateParts } from './update-expression';

/** The building blocks every module repository uses: one request each. */

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'entityType'];

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
  index: 'gsi1' | 'gsi2';
  partition: string;
  /** Only items whose index sort key starts with this. */
  sortPrefix?: string;
  limit: number;
  startKey?: Record<string, unknown>;
  /** Newest (highest sort key) first unless false. */
  descending?: boolean;
}

/** One Query on an index partition: a page of records and the key to continue from. */
export async function queryPage<T>(query: PageQuery): Promise<{ items: T[]; lastKey?: Record<string, unknown> }> {
  const names = { '#pk': `${query.index}pk`, ...(query.sortPrefix ? { '#sk': `${query.index}sk` } : {}) };
  const values = { ':pk': query.partition, ...(query.sortPrefix ? { ':prefix': query.sortPrefix } : {}) };
  const { Items, LastEvaluatedKey } = await documentClient.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: query.index,
      KeyConditionExpression: query.sortPrefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: query.descending === false,
      Limit: query.limit,
      ExclusiveStartKey: query.startKey,
    }),
  );
  return { items: (Items ?? []).map((item) => recordOf<T>(item)), lastKey: LastEvaluatedKey };
}
