import { relative, resolve } from 'node:path';
import { backupLocalData } from '../local/backup';
import { LocalSetupError } from '../local/errors';
import { dataDirOf, REPO_ROOT } from '../local/paths';

/**
 * `npm run backup [-- <file>] [--allow-pending]`: a consistent snapshot of the local tables
 * (default `<data dir>/backups/<timestamp>.jsonl.gz`; BACKOFFICE_DATA_DIR picks the data directory).
 * Works while `npm start` runs (it is quiesced for the moment of the scan) or on a stopped runtime.
 */
const USAGE = 'Usage: npm run backup [-- <file.jsonl.gz>] [--allow-pending]   (env: BACKOFFICE_DATA_DIR)';

async function main(): Promise<void> {
  let file: string | undefined;
  let allowPending = false;
  for (const arg of process.argv.slice(2)) {
    if (arg === '--allow-pending') allowPending = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      return;
    } else if (arg.startsWith('-')) throw new LocalSetupError(`Unknown option ${arg}. ${USAGE}`);
    else if (file === undefined) file = resolve(arg);
    else throw new LocalSetupError(`One file only. ${USAGE}`);
  }
  const started = Date.now();
  const result = await backupLocalData({ dataDir: dataDirOf(), ...(file ? { file } : {}), allowPending, log: (line) => console.log(line) });
  const counts = Object.entries(result.counts).map(([table, count]) => `${table} ${count}`).join(', ');
  const where = result.file.startsWith(REPO_ROOT) ? relative(REPO_ROOT, result.file) : result.file;
  console.log(`Backed up ${counts} items (${result.consistency}, ${result.bytes} bytes, ${Date.now() - started} ms) to ${where}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof LocalSetupError ? error.message : `Backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
