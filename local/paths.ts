import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LocalSetupError } from './errors';

/** The repository root (this file lives in `<root>/local`). */
export const REPO_ROOT = resolve(__dirname, '..');

/** Where `npm run backup` writes snapshots by default; kept by `--reset`. */
export const BACKUPS_DIR = 'backups';

/** Marks a directory as ours, so `--reset` never wipes a directory it did not create. */
const MARKER = '.backoffice-data';

/**
 * Where the local runtime keeps its state: DynamoDB Local's files, generated secrets, the demo
 * partner keys, stream checkpoints and failure destinations. `.local/` is git-ignored;
 * `BACKOFFICE_DATA_DIR` moves it (tests use a temporary directory).
 */
export function dataDirOf(explicit?: string): string {
  return resolve(explicit ?? process.env.BACKOFFICE_DATA_DIR ?? join(REPO_ROOT, '.local'));
}

export interface DataPaths {
  root: string;
  dynamodb: string;
  cursorKey: string;
  jwtKey: string;
  demoKeys: string;
  credentials: string;
  streamCheckpoints: string;
  failures: string;
}

export function dataPaths(root: string): DataPaths {
  return {
    root,
    dynamodb: join(root, 'dynamodb'),
    cursorKey: join(root, 'cursor-signing-key'),
    jwtKey: join(root, 'jwt-signing-key.json'),
    demoKeys: join(root, 'demo-keys.json'),
    credentials: join(root, 'credentials.json'),
    streamCheckpoints: join(root, 'stream-checkpoints.json'),
    failures: join(root, 'failures'),
  };
}

/** Creates the data directory (and its marker) when missing. */
export function prepareDataDir(root: string): void {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const marker = join(root, MARKER);
  if (!existsSync(marker)) writeFileSync(marker, 'Local state of the Backoffice runtime (npm start). Safe to delete.\n');
}

/** `--reset`: wipes the data directory (except backups/), refusing one that holds files it did not create. */
export function resetDataDir(root: string): void {
  if (!existsSync(root)) return;
  const entries = readdirSync(root);
  if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new LocalSetupError(`Refusing to reset ${root}: it was not created by the local runtime (no ${MARKER} file).`);
  }
  // Snapshots written by `npm run backup` (backups/) survive a reset.
  for (const entry of entries) {
    if (entry !== BACKUPS_DIR) rmSync(join(root, entry), { recursive: true, force: true });
  }
}

/** Writes a file atomically (temporary file + rename), so a crash never leaves half a file. */
export function writeFileAtomic(path: string, content: string, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  renameSync(temporary, path);
}

export function readJsonFile<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** A random secret generated at first run and kept in the data directory (never committed). */
export function persistentSecret(path: string, bytes = 32): string {
  if (existsSync(path)) {
    const value = readFileSync(path, 'utf8').trim();
    if (value) return value;
  }
  const value = randomBytes(bytes).toString('hex');
  writeFileAtomic(path, `${value}\n`);
  return value;
}
