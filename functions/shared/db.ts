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

let bulkClient: DynamoDBClient | undefined;
/**
 * The low-level client for bulk reads that decode their own items (the export worker's Scans), made on
 * first use. Its logger middleware is removed: it copies every answer through the operation's schema
 * for a log line that is never written.
 */
export function bulkReadClient(): DynamoDBClient {
  if (!bulkClient) {
    bulkClient = new DynamoDBClient({ maxAttempts: 3 });
    bulkClient.middlewareStack.remove('loggerMiddleware');
  }
  return bulkClient;
}

let cachedTableName: string | undefined;
export function tableName(): string {
  cachedTableName ??= requireEnv('TABLE_NAME');
  return cachedTableName;
}
