import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handler as workflow } from '../../functions/approvals/workflow';
import { startLocalApprovals, type LocalApprovals } from '../../local/approvals-workflow';

/**
 * The approvals state machine for integration tests: the local Step Functions endpoint (the
 * definition rendered from the CDK construct) running functions/approvals/workflow.ts in this test
 * process, against this process's table. Handlers reach it through AWS_ENDPOINT_URL_SFN (set here).
 */
export async function startTestApprovals(options: { stateDir?: string; port?: number } = {}): Promise<LocalApprovals & { stateDir: string; dispose(): Promise<void> }> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'backoffice-sfn-'));
  const approvals = await startLocalApprovals({ stateDir, ...(options.port ? { port: options.port } : {}), loadWorkflow: () => workflow as never, clockPollMs: 25 });
  Object.assign(process.env, approvals.environment);
  return {
    ...approvals,
    stateDir,
    async dispose() {
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
