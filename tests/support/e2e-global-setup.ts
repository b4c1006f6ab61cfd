import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../local/ports';

/**
 * End-to-end tests drive the real local runtime (`npm start`) over HTTP: it is spawned here as a
 * child process on a free port with a temporary data directory, and the tests find it through
 * BACKOFFICE_URL / BACKOFFICE_CREDENTIALS / BACKOFFICE_DATA_DIR (workers inherit this environment).
 * The runtime's own output goes to `runtime.log` next to its data directory.
 */
export const READY_LINE = 'Backoffice is ready';
const READY_TIMEOUT_MS = 120_000;
const ROOT = resolve(__dirname, '../..');

export interface E2eRuntime {
  child: ChildProcess;
  /** Holds `data/` (the runtime's BACKOFFICE_DATA_DIR) and `runtime.log`. */
  workDir: string;
}

export default async function setup(): Promise<void> {
  const port = await freePort();
  // An origin the admin API allows, for the browser test's page (127.0.0.1 on another port is not allowed).
  const browserOrigin = `http://localhost:${await freePort()}`;
  const workDir = mkdtempSync(join(tmpdir(), 'backoffice-e2e-'));
  const dataDir = join(workDir, 'data');
  // tsx, run by this Node (22): the same as `npm start -- --reset`.
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'local/start.ts', '--reset'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      BACKOFFICE_DATA_DIR: dataDir,
      ALLOWED_ORIGINS: browserOrigin,
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  (globalThis as Record<string, unknown>).__BACKOFFICE_E2E__ = { child, workDir } satisfies E2eRuntime;

  let output = '';
  const log = createWriteStream(join(workDir, 'runtime.log'));
  const collect = (chunk: Buffer) => {
    log.write(chunk);
    if (output.length < 200_000) output += chunk.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);

  await new Promise<void>((ready, fail) => {
    const failWith = (reason: string) => {
      clearTimeout(timer);
      child.kill('SIGINT');
      fail(new Error(`The local runtime did not start: ${reason}\n--- its output ---\n${output}`));
    };
    const timer = setTimeout(() => failWith(`no "${READY_LINE}" line within ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
    const onData = () => {
      if (output.split('\n').some((line) => line.trim() === READY_LINE)) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        ready();
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => failWith(`it exited (code ${code}, signal ${signal})`);
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });

  // Only BACKOFFICE_* names: jest runs every project's global setup in one process, and workers of
  // other projects (integration) must keep their own AWS_* and TABLE_NAME.
  Object.assign(process.env, {
    BACKOFFICE_URL: `http://127.0.0.1:${port}`,
    BACKOFFICE_CREDENTIALS: join(dataDir, 'credentials.json'),
    BACKOFFICE_DATA_DIR: dataDir,
    BACKOFFICE_BROWSER_ORIGIN: browserOrigin,
  });
}
