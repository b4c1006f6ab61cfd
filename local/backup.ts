import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_TABLE, SINGLE_TABLE } from '../functions/shared/schema/tables';
import { acquireDataDirLock, runningHolder } from './data-dir-lock';
import { localDynamoClient, startDynamoDbLocal } from './dynamodb';
import { LocalSetupError } from './errors';
import { BACKUPS_DIR, dataPaths, prepareDataDir, readJsonFile, writeFileAtomic } from './paths';
import { freePort } from './ports';
import { whileQuiesced } from './quiesce';
import { loadSnapshot, pendingStreamRecords, readSnapshot, writeSnapshot, type SnapshotTable } from './snapshot';

/** The tables of the local runtime (same names as local/runtime.ts), with the definitions they are built from. */
export const LOCAL_TABLES: SnapshotTable[] = [
  { name: SINGLE_TABLE.name, definition: SINGLE_TABLE },
  { name: AUDIT_TABLE.name, definition: AUDIT_TABLE },
];

/** Local files saved with the tables: the demo partner keys (the table only holds their hashes). */
const SAVED_FILES = ['demo-keys.json'] as const;

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

export interface BackupResult {
  file: string;
  counts: Record<string, number>;
  bytes: number;
  consistency: 'quiesced-runtime' | 'stopped-runtime';
}

/**
 * `npm run backup`: a consistent snapshot of both local tables.
 * - The runtime runs: it is quiesced through its control endpoint (held invocations, drained stream
 *   consumers, committed writes; see local/quiesce.ts), the tables are scanned, and it resumes.
 * - It does not: this process takes the data directory (so it cannot start meanwhile), runs
 *   DynamoDB Local on it and scans. It refuses when stream records are still waiting for a
 *   consumer (the runtime stopped before the audit log caught up): start the runtime once, let it
 *   catch up, then back up — or pass `allowPending`.
 */
export async function backupLocalData(options: { dataDir: string; file?: string; allowPending?: boolean; log?: (line: string) => void }): Promise<BackupResult> {
  const log = options.log ?? (() => undefined);
  const paths = dataPaths(options.dataDir);
  const file = options.file ?? join(options.dataDir, BACKUPS_DIR, `${timestamp()}.jsonl.gz`);
  const files: Record<string, unknown> = {};
  for (const name of SAVED_FILES) {
    const content = readJsonFile<unknown>(join(options.dataDir, name));
    if (content !== undefined) files[name] = content;
  }

  const holder = runningHolder(options.dataDir);
  if (holder) {
    if (holder.kind !== 'runtime' || !holder.controlUrl || !holder.controlToken) {
      throw new LocalSetupError(`${options.dataDir} is in use by npm run ${holder.kind} (process ${holder.pid}); try again when it has finished.`);
    }
    log(`The runtime is running (process ${holder.pid}): quiescing it for the snapshot`);
    return whileQuiesced({ url: holder.controlUrl, token: holder.controlToken }, async (described) => {
      const client = localDynamoClient(String(described.dynamodbEndpoint));
      try {
        const written = await writeSnapshot({ client, tables: LOCAL_TABLES, file, consistency: 'quiesced-runtime', files });
        return { ...written, consistency: 'quiesced-runtime' as const };
      } finally {
        client.destroy();
      }
    });
  }

  if (!existsSync(paths.dynamodb)) throw new LocalSetupError(`Nothing to back up: ${options.dataDir} has no DynamoDB Local data yet (run npm start once).`);
  const lock = await acquireDataDirLock(options.dataDir, 'backup', log);
  try {
    const dynamo = await startDynamoDbLocal({ port: await freePort(), dataDir: paths.dynamodb });
    lock.update({ dynamodbPid: dynamo.process.pid, dynamodbEndpoint: dynamo.endpoint });
    const client = localDynamoClient(dynamo.endpoint);
    try {
      const pending = await pendingStreamRecords({ endpoint: dynamo.endpoint, client, tableName: SINGLE_TABLE.name, checkpointFile: paths.streamCheckpoints });
      const waiting = Object.entries(pending).map(([consumer, count]) => `${consumer}: ${count}`);
      if (waiting.length > 0) {
        const message = `Stream records not yet processed by the consumers (${waiting.join(', ')}): the runtime stopped before they caught up.`;
        if (!options.allowPending) {
          throw new LocalSetupError(`${message} Start the runtime (npm start) and back up while it runs, or pass --allow-pending.`);
        }
        log(`Warning: ${message} The snapshot holds those changes without their audit entries.`);
      }
      const written = await writeSnapshot({ client, tables: LOCAL_TABLES, file, consistency: 'stopped-runtime', files });
      return { ...written, consistency: 'stopped-runtime' };
    } finally {
      client.destroy();
      await dynamo.stop();
    }
  } finally {
    lock.release();
  }
}

/**
 * `npm run restore -- <file>`: loads a snapshot into the data directory of a stopped runtime (a
 * new directory is created). Tables holding items are refused unless `replace`. Then `npm start`
 * serves the restored data.
 */
export async function restoreLocalData(options: {
  dataDir: string;
  file: string;
  replace?: boolean;
  log?: (line: string) => void;
}): Promise<Record<string, number>> {
  const log = options.log ?? (() => undefined);
  if (!existsSync(options.file)) throw new LocalSetupError(`No such snapshot: ${options.file}`);
  // Check the whole file before touching anything.
  const snapshot = await readSnapshot(options.file);
  prepareDataDir(options.dataDir);
  const paths = dataPaths(options.dataDir);
  const lock = await acquireDataDirLock(options.dataDir, 'restore', log);
  try {
    const dynamo = await startDynamoDbLocal({ port: await freePort(), dataDir: paths.dynamodb });
    lock.update({ dynamodbPid: dynamo.process.pid, dynamodbEndpoint: dynamo.endpoint });
    const client = localDynamoClient(dynamo.endpoint);
    try {
      const loaded = await loadSnapshot({ client, snapshot, tables: LOCAL_TABLES, ...(options.replace ? { replace: true } : {}), log });
      for (const [name, content] of Object.entries(snapshot.header.files)) {
        if (!(SAVED_FILES as readonly string[]).includes(name)) continue;
        const target = join(options.dataDir, name);
        if (!existsSync(target) || options.replace) writeFileAtomic(target, `${JSON.stringify(content, null, 2)}\n`);
      }
      return loaded;
    } finally {
      client.destroy();
      await dynamo.stop();
    }
  } finally {
    lock.release();
  }
}
