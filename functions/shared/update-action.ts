import { tableName } from './db';
import type { PrimaryKey } from './keys';
import type { UpdateParts } from './update-expression';

/**
 * A conditional UpdateItem as one action of a TransactWriteItems request, for writes that must
 * commit together with another module's (e.g. a subject's "pending approval" mark with the approval).
 * The item DynamoDB compared against comes back when the condition loses.
 */
export function updateAction(
  key: PrimaryKey,
  update: UpdateParts,
  condition: string,
  values: Record<string, unknown> = {},
  names: Record<string, string> = {},
) {
  return {
    Update: {
      TableName: tableName(),
      Key: key,
      ...update,
      ExpressionAttributeNames: { ...update.ExpressionAttributeNames, ...names },
      ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...values },
      ConditionExpression: condition,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  };
}
