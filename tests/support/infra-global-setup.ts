import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SHARED_SYNTH_ENV, synthesizeSharedBackoffice } from '../infra/synth-stack';

/**
 * Synthesizes the stack once per run (bundling every function takes a minute or more); the infra
 * test files load its template. Workers inherit the environment set here.
 */
export default function setup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backoffice-infra-'));
  synthesizeSharedBackoffice(dir);
  process.env[SHARED_SYNTH_ENV] = dir;
}
