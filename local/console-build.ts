import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LocalSetupError } from './errors';
import { REPO_ROOT } from './paths';

/** The console's workspace and its build (git-ignored). */
export const CONSOLE_DIR = join(REPO_ROOT, 'console');
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');
const HASH_FILE = join(CONSOLE_DIST, '.source-hash');
const INPUTS = ['src', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json', 'public'];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => filesUnder(join(path, entry.name)));
}

/** A hash of everything the build reads from the workspace: names and contents. */
export function consoleSourceHash(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => filesUnder(join(CONSOLE_DIR, input)))) {
    hash.update(relative(CONSOLE_DIR, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/**
 * Builds the console when its sources changed since the last build (a few seconds; nothing when
 * they did not), so `npm start` always serves the console of the checked-out code.
 */
/** The sources' hash and the index.html the build made of them: a build made any other way is not trusted. */
function buildStamp(sourceHash: string): string | undefined {
  const index = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(index)) return undefined;
  return `${sourceHash} ${createHash('sha256').update(readFileSync(index)).digest('hex')}`;
}

export async function ensureConsoleBuilt(log: (line: string) => void): Promise<'fresh' | 'built'> {
  const hash = consoleSourceHash();
  if (existsSync(HASH_FILE) && readFileSync(HASH_FILE, 'utf8') === buildStamp(hash)) return 'fresh';
  const vite = join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) throw new LocalSetupError('The console cannot be built: vite is missing. Run npm ci at the repository root.');
  log('Building the admin console (its sources changed)…');
  const startedAt = Date.now();
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: CONSOLE_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new LocalSetupError(`The admin console did not build (vite exited with ${code}):\n${output.join('').trim()}`);
  writeFileSync(HASH_FILE, buildStamp(hash)!);
  log(`Built the admin console in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  return 'built';
}
