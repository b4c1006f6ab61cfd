import { resolve } from 'node:path';
import { restoreLocalData } from '../local/backup';
import { LocalSetupError } from '../local/errors';
import { dataDirOf } from '../local/paths';

/**
 * `npm run restore -- <file> [--replace]`: loads a snapshot written by `npm run backup` into the
 * local data directory (BACKOFFICE_DATA_DIR, default .local) while the runtime is stopped. Refuses
 * tables that already hold items unless --replace. Then `npm start` serves the restored data.
 */
const USAGE = 'Usage: npm run restore -- <file.jsonl.gz> [--replace]   (env: BACKOFFICE_DATA_DIR)';

async function main(): Promise<void> {
  let file: string | undefined;
  let replace = false;
  for (const arg of process.argv.slice(2)) {
    if (arg === '--replace') replace = true;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      return;
    } else if (arg.startsWith('-')) throw new LocalSetupError(`Unknown option ${arg}. ${USAGE}`);
    else if (file === undefined) file = resolve(arg);
    else throw new LocalSetupError(`One file only. ${USAGE}`);
  }
  if (!file) throw new LocalSetupError(USAGE);
  const dataDir = dataDirOf();
  const loaded = await restoreLocalData({ dataDir, file, replace, log: (line) => console.log(line) });
  const counts = Object.entries(loaded).map(([table, count]) => `${table} ${count}`).join(', ');
  console.log(`Restored ${counts} items into ${dataDir}. Start it with: npm start`);
}

main().catch((error: unknown) => {
  console.error(error instanceof LocalSetupError ? error.message : `Restore failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
