import { rmSync } from 'node:fs';
import type { E2eRuntime } from './e2e-global-setup';

/** Stops the runtime like Ctrl-C does (it stops DynamoDB Local and exits 0), then removes its data. */
export default async function teardown(): Promise<void> {
  const runtime = (globalThis as Record<string, unknown>).__BACKOFFICE_E2E__ as E2eRuntime | undefined;
  if (!runtime) return;
  const { child, workDir } = runtime;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await exited;
    clearTimeout(timer);
    if (code !== 0) console.warn(`The local runtime exited with code ${code}; its log: ${workDir}/runtime.log`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}
