import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from './env';

/**
 * One document client per container (module scope). The endpoint comes from the standard
 * AWS_ENDPOINT_URL_DYNAMODB variable locally, so there is no local-only code here.
 */
export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 3 }), {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});

let cachedTableName: string | undefined;
export function tableName(): string {
  cachedTableName ??= requireEnv('TABLE_NAME');
  return cachedTableName;
}
