import { randomBytes } from 'node:crypto';
import { AUDIT_TABLE, SINGLE_TABLE } from '../../functions/shared/schema/tables';
import { ensureTable, LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient, startDynamoDbLocal } from '../../local/dynamodb';
import { freePort } from '../../local/ports';

/** The table every integration test file shares unless it creates one of its own. */
export const SHARED_TEST_TABLE = 'Backoffice-test';

/**
 * Integration tests run against a real DynamoDB Local, in memory, on a free port. Workers inherit
 * the environment set here, so repositories reach it through the standard endpoint variable.
 */
export default async function setup(): Promise<void> {
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  (globalThis as Record<string, unknown>).__DYNAMO__ = dynamo;
  const client = localDynamoClient(dynamo.endpoint);
  await ensureTable(client, SINGLE_TABLE, SHARED_TEST_TABLE);
  await ensureTable(client, AUDIT_TABLE, 'AuditLog-test');
  client.destroy();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    TABLE_NAME: SHARED_TEST_TABLE,
    AUDIT_TABLE_NAME: 'AuditLog-test',
    CURSOR_SIGNING_KEY: randomBytes(32).toString('hex'),
    VALIDATE_RESPONSES: 'true',
    ALLOWED_ORIGINS: 'https://admin.example.com',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_DEV: 'true',
  });
}
