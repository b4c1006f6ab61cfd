import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LocalSetupError } from './errors';
import { readJsonFile, writeFileAtomic } from './paths';

/**
 * One owner per data directory. `npm start`, `npm run backup` (on a stopped runtime) and
 * `npm run restore` each hold `<data dir>/runtime.json` while they use the directory: two
 * DynamoDB Local processes on one database file would corrupt it, and a restore under a running
 * runtime would feed the restored items to its stream consumers.
 *
 * The file also tells the others how to reach a running runtime (its control endpoint, used by
 * `npm run backup` to quiesce it). A holder that died without releasing (SIGKILL, a crash, a power
 * cut) leaves the file behind: the next owner sees that its process is gone and takes over, after
 * stopping any DynamoDB Local still running on the directory (Java outlives a killed Node parent:
 * it never reads the pipe that would tell it).
 */
export type LockHolderKind = 'runtime' | 'backup' | 'restore';

export interface LockInfo {
  kind: LockHolderKind;
  pid: number;
  startedAt: string;
  /** A running runtime's gateway URL. */
  url?: string;
  dynamodbEndpoint?: string;
  dynamodbPid?: number;
  /** The runtime's control endpoint (quiesce / resume) and its bearer token. */
  controlUrl?: string;
  controlToken?: string;
}

export interface DataDirLock {
  readonly file: string;
  /** Adds fields (endpoints, child pids) to the lock file. */
  update(fields: Partial<LockInfo>): void;
  /** Removes the lock file if this process still holds it. */
  release(): void;
}

export const LOCK_FILE = 'runtime.json';

/**
 * True when a process with this pid runs. A zombie (dead, not yet reaped: a killed orphan whose
 * new parent does not reap, as in some containers) does not count.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state …"; comm may contain spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // No /proc (macOS): the signal check is all there is.
  }
}

/** The current holder of the data directory, if it is still running. */
export function runningHolder(dataDir: string): LockInfo | undefined {
  const info = readJsonFile<LockInfo>(join(dataDir, LOCK_FILE));
  if (!info || !Number.isInteger(info.pid) || info.pid === process.pid) return undefined;
  return processAlive(info.pid) ? info : undefined;
}

function commandLines(): Array<{ pid: number; args: string[] }> {
  if (existsSync('/proc/self/cmdline')) {
    const found: Array<{ pid: number; args: string[] }> = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
        if (args.length > 0) found.push({ pid: Number(entry), args });
      } catch {
        // The process ended while we looked.
      }
    }
    return found;
  }
  // macOS and other systems without /proc: ps (arguments split on spaces; enough to spot the jar and the path).
  const result = spawnSync('ps', ['-axo', 'pid=,args='], { encoding: 'utf8' });
  if (result.status !== 0) return [];
  return result.stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), args: match[2]!.split(/\s+/) }));
}

/** DynamoDB Local processes (Java, DynamoDBLocal.jar) whose `-dbPath` is this directory. */
export function dynamoDbLocalProcessesOn(dbPath: string): number[] {
  const wanted = resolve(dbPath);
  return commandLines()
    .filter(({ pid, args }) => {
      if (pid === process.pid || !args.some((arg) => arg.endsWith('DynamoDBLocal.jar'))) return false;
      const at = args.indexOf('-dbPath');
      return at >= 0 && args[at + 1] !== undefined && resolve(args[at + 1]!) === wanted;
    })
    .map(({ pid }) => pid);
}

async function waitUntilGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(processAlive)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Throws when a live process holds the data directory. */
export function assertDataDirFree(dataDir: string): void {
  const holder = runningHolder(dataDir);
  if (!holder) return;
  const what = holder.kind === 'runtime' ? `the local runtime${holder.url ? ` (${holder.url})` : ''}` : `npm run ${holder.kind}`;
  throw new LocalSetupError(`${dataDir} is in use by ${what}, process ${holder.pid}. Stop it first, or use another BACKOFFICE_DATA_DIR.`);
}

/**
 * Takes the data directory for `kind`. Refuses while another live process holds it; otherwise
 * stops DynamoDB Local processes left on `<dataDir>/dynamodb` by a holder that died, then writes the lock file.
 */
export async function acquireDataDirLock(dataDir: string, kind: LockHolderKind, log: (line: string) => void = () => undefined): Promise<DataDirLock> {
  const file = join(dataDir, LOCK_FILE);
  assertDataDirFree(dataDir);
  const orphans = dynamoDbLocalProcessesOn(join(dataDir, 'dynamodb'));
  if (orphans.length > 0) {
    log(`Stopping DynamoDB Local left running on ${dataDir} by a run that did not stop cleanly (process ${orphans.join(', ')}).`);
    for (const pid of orphans) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    if (!(await waitUntilGone(orphans, 10_000))) {
      throw new LocalSetupError(`DynamoDB Local (process ${orphans.join(', ')}) still runs on ${dataDir}; stop it and try again.`);
    }
  }
  let info: LockInfo = { kind, pid: process.pid, startedAt: new Date().toISOString() };
  writeFileAtomic(file, `${JSON.stringify(info, null, 2)}\n`);
  let released = false;
  return {
    file,
    update(fields) {
      if (released) return;
      info = { ...info, ...fields };
      writeFileAtomic(file, `${JSON.stringify(info, null, 2)}\n`);
    },
    release() {
      if (released) return;
      released = true;
      const current = readJsonFile<LockInfo>(file);
      if (current?.pid === process.pid) rmSync(file, { force: true });
    },
  };
}
