import { randomBytes } from 'node:crypto';
import { AUDIT_TABLE, SINGLE_TABLE } from '../functions/shared/schema/tables';
import { ensureTable, LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient, startDynamoDbLocal } from '../local/dynamodb';
import { installModuleHooks } from '../local/module-hooks';
import { freePort } from '../local/ports';

/**
 * DynamoDB Local (in memory) with both tables, and the environment a handler reads, set before any
 * handler module is loaded (as in a Lambda container). Returns a function that stops it, and
 * the engine's process id (the export bench reports its CPU).
 */
export async function startBenchEnvironment(): Promise<{ stop(): Promise<void>; enginePid: number }> {
  installModuleHooks(); // handlers import ESM-only middy; see local/module-hooks.ts
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    TABLE_NAME: 'Backoffice-bench',
    AUDIT_TABLE_NAME: 'AuditLog-bench',
    CURSOR_SIGNING_KEY: randomBytes(32).toString('hex'),
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  const admin = localDynamoClient(dynamo.endpoint);
  await ensureTable(admin, SINGLE_TABLE, 'Backoffice-bench');
  await ensureTable(admin, AUDIT_TABLE, 'AuditLog-bench');
  admin.destroy();
  return { stop: () => dynamo.stop(), enginePid: dynamo.process.pid! };
}
