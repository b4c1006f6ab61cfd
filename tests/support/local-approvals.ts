import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handler as starter } from '../../functions/approvals/starter';
import { handler as workflow } from '../../functions/approvals/workflow';
import { handler as audit } from '../../functions/audit/consumer';
import { APPROVAL_STARTER_CONSUMER, AUDIT_CONSUMER } from '../../functions/shared/schema/stream-consumers';
import { newId } from '../../functions/shared/ids';
import { SINGLE_TABLE } from '../../functions/shared/schema/tables';
import { startLocalApprovals, type LocalApprovals } from '../../local/approvals-workflow';
import { ensureTable, localDynamoClient } from '../../local/dynamodb';
import { createStreamPoller } from '../../local/stream-poller';
import { SHARED_TEST_TABLE } from './dynamo-global-setup';

/** Gives the test file a single table of its own (before any repository call: the name is cached). */
export async function useOwnTable(label: string): Promise<string> {
  const name = `Backoffice-${label}-${newId().slice(-8)}`;
  const client = localDynamoClient(process.env.AWS_ENDPOINT_URL_DYNAMODB!);
  await ensureTable(client, SINGLE_TABLE, name);
  client.destroy();
  process.env.TABLE_NAME = name;
  return name;
}

/**
 * The approvals state machine for integration tests: the local Step Functions endpoint (the
 * definition rendered from the CDK construct) running functions/approvals/workflow.ts in this test
 * process, against this process's table. Handlers reach it through AWS_ENDPOINT_URL_SFN (set here).
 * Executions start as in AWS, from the table's stream (functions/approvals/starter.ts, polled here),
 * so the test file must work on a table of its own: on the shared one it would start other files'
 * approvals in this process.
 */
export interface TestApprovalsOptions {
  stateDir?: string;
  port?: number;
  /** Runs before each workflow task (a slow workflow). */
  beforeTask?: (event: { action: string; approvalId: string }) => Promise<void>;
  /** Runs before each workflow start (a slow start). */
  beforeStart?: (approvalId: string) => Promise<void>;
  /** Also feeds the audit log consumer from this table's stream. */
  audit?: boolean;
}

export async function startTestApprovals(options: TestApprovalsOptions = {}): Promise<LocalApprovals & { stateDir: string; dispose(): Promise<void> }> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'backoffice-sfn-'));
  const approvals = await startLocalApprovals({
    stateDir,
    ...(options.port ? { port: options.port } : {}),
    loadWorkflow: () => workflow as never,
    clockPollMs: 25,
    ...(options.beforeTask ? { beforeTask: options.beforeTask as (event: unknown) => Promise<void> } : {}),
  });
  Object.assign(process.env, approvals.environment);
  const tableName = process.env.TABLE_NAME!;
  if (tableName === SHARED_TEST_TABLE) throw new Error('startTestApprovals needs a table of the test file’s own (set TABLE_NAME and create it first)');
  const streams = createStreamPoller({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB!, tableName, stateDir, pollIntervalMs: 25, retryBaseDelayMs: 25 });
  const beforeStart = options.beforeStart;
  streams.register({
    name: APPROVAL_STARTER_CONSUMER.name,
    handler: beforeStart
      ? async (event, context) => {
          await Promise.all(event.Records.map((r) => (r.dynamodb?.NewImage?.id?.S ? beforeStart(r.dynamodb.NewImage.id.S) : undefined)));
          return starter(event, context);
        }
      : starter,
    batchSize: APPROVAL_STARTER_CONSUMER.batchSize,
    filter: { entityTypes: APPROVAL_STARTER_CONSUMER.entityTypes!, eventNames: APPROVAL_STARTER_CONSUMER.eventNames! },
  });
  if (options.audit) {
    streams.register({
      name: AUDIT_CONSUMER.name,
      handler: audit,
      batchSize: AUDIT_CONSUMER.batchSize,
      bisectOnError: AUDIT_CONSUMER.bisectOnError,
      filter: { excludeEntityTypes: AUDIT_CONSUMER.excludeEntityTypes },
    });
  }
  streams.start();
  return {
    ...approvals,
    stateDir,
    async dispose() {
      await streams.stop();
      streams.destroy();
      await approvals.stop();
      if (!options.stateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` holds for what `read` returns (workflows move on asynchronously). */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
