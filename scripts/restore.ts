import { restoreLocalData } from '../local/backup';
import { LocalSetupError } from '../local/errors';
import { dataDirOf } from '../local/paths';
import { parseFileCommandLine, runCommand } from './cli-options';

/**
 * `npm run restore -- <file> [--replace]`: loads a snapshot written by `npm run backup` into the
 * local data directory (BACKOFFICE_DATA_DIR, default .local) while the runtime is stopped. Refuses
 * tables that already hold items unless --replace. Then `npm start` serves the restored data.
 */
const USAGE = 'Usage: npm run restore -- <file.jsonl.gz> [--replace]   (env: BACKOFFICE_DATA_DIR)';

async function main(): Promise<void> {
  const args = parseFileCommandLine(process.argv.slice(2), ['replace'], USAGE);
  if (!args) return;
  const { file, flags } = args;
  if (!file) throw new LocalSetupError(USAGE);
  const dataDir = dataDirOf();
  const loaded = await restoreLocalData({ dataDir, file, replace: flags.replace, log: (line) => console.log(line) });
  const counts = Object.entries(loaded).map(([table, count]) => `${table} ${count}`).join(', ');
  console.log(`Restored ${counts} items into ${dataDir}. Start it with: npm start`);
}

runCommand('Restore', main);
