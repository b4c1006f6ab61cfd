import { relative } from 'node:path';
import { backupLocalData } from '../local/backup';
import { dataDirOf, REPO_ROOT } from '../local/paths';
import { parseFileCommandLine, runCommand } from './cli-options';

/**
 * `npm run backup [-- <file>] [--allow-pending]`: a consistent snapshot of the local tables
 * (default `<data dir>/backups/<timestamp>.jsonl.gz`; BACKOFFICE_DATA_DIR picks the data directory).
 * Works while `npm start` runs (it is quiesced for the moment of the scan) or on a stopped runtime.
 */
const USAGE = 'Usage: npm run backup [-- <file.jsonl.gz>] [--allow-pending]   (env: BACKOFFICE_DATA_DIR)';

async function main(): Promise<void> {
  const args = parseFileCommandLine(process.argv.slice(2), ['allow-pending'], USAGE);
  if (!args) return;
  const { file, flags } = args;
  const started = Date.now();
  const result = await backupLocalData({ dataDir: dataDirOf(), ...(file ? { file } : {}), allowPending: flags['allow-pending'], log: (line) => console.log(line) });
  const counts = Object.entries(result.counts).map(([table, count]) => `${table} ${count}`).join(', ');
  const where = result.file.startsWith(REPO_ROOT) ? relative(REPO_ROOT, result.file) : result.file;
  console.log(`Backed up ${counts} items (${result.consistency}, ${result.bytes} bytes, ${Date.now() - started} ms) to ${where}`);
}

runCommand('Backup', main);
