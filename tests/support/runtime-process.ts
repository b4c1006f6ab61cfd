import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { localDynamoClient } from '../../local/dynamodb';
import { freePort } from '../../local/ports';
import type { LocalCredentialsFile } from './e2e-client';
import { READY_LINE } from './e2e-global-setup';

/**
 * A local runtime of a test's own (its own port and data directory), for tests that stop, kill or
 * restart it. It runs as one Node process (tsx's loader without the tsx wrapper process, so a
 * signal reaches the runtime itself) leading its own process group, which also holds
 * its DynamoDB Local (Java): `killAll()` kills both at once, like a power cut.
 */
const ROOT = resolve(__dirname, '../..');
const READY_TIMEOUT_MS = 60_000;

export interface RuntimeProcess {
  child: ChildProcess;
  port: number;
  url: string;
  dataDir: string;
  /** Everything the runtime printed so far. */
  output(): string;
  credentials(): LocalCredentialsFile;
  /** Ctrl-C: a clean stop; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL to the Node process only (its DynamoDB Local keeps running, orphaned). */
  killNode(): Promise<void>;
  /** SIGKILL to the whole process group: Node and DynamoDB Local die at the same instant. */
  killAll(): Promise<void>;
}

export async function startRuntimeProcess(options: { dataDir: string; reset?: boolean; env?: Record<string, string>; logFile?: string }): Promise<RuntimeProcess> {
  const port = await freePort();
  // What the tsx command line runs in its child process, minus that wrapper process.
  const tsx = join(ROOT, 'node_modules', 'tsx', 'dist');
  const args = [
    '--require',
    join(tsx, 'preflight.cjs'),
    '--import',
    pathToFileURL(join(tsx, 'loader.mjs')).href,
    'local/start.ts',
    ...(options.reset ? ['--reset'] : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    detached: true,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      BACKOFFICE_DATA_DIR: options.dataDir,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      ACCESS_LOG: 'false',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const collect = (chunk: Buffer) => {
    log?.write(chunk);
    if (output.length < 500_000) output += chunk.toString();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => {
      killGroup(child);
      fail(new Error(`The runtime did not start within ${READY_TIMEOUT_MS / 1000} s:\n${output}`));
    }, READY_TIMEOUT_MS);
    const onData = () => {
      if (output.split('\n').some((line) => line.trim() === READY_LINE)) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.off('exit', onExit);
        ready();
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      fail(new Error(`The runtime exited (code ${code}) before it was ready:\n${output}`));
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });

  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    dataDir: options.dataDir,
    output: () => output,
    credentials: () => JSON.parse(readFileSync(join(options.dataDir, 'credentials.json'), 'utf8')) as LocalCredentialsFile,
    async stop() {
      if (!running()) return child.exitCode;
      child.kill('SIGINT');
      const timer = setTimeout(() => killGroup(child), 20_000);
      const code = await exited;
      clearTimeout(timer);
      log?.end();
      return code;
    },
    async killNode() {
      if (running()) child.kill('SIGKILL');
      await exited;
      log?.end();
    },
    async killAll() {
      killGroup(child);
      await exited;
      log?.end();
    },
  };
}

/** SIGKILL to the process group led by `child` (the runtime and its DynamoDB Local). */
export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Every item of a table of a runtime's DynamoDB Local (consistent reads, all pages): what is really stored. */
export async function scanTable(endpoint: string, table: string): Promise<Array<Record<string, AttributeValue>>> {
  const client = localDynamoClient(endpoint);
  const items: Array<Record<string, AttributeValue>> = [];
  let start: Record<string, AttributeValue> | undefined;
  try {
    do {
      const page = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    client.destroy();
  }
  return items;
}
