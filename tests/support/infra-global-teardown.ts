import * as fs from 'node:fs';
import { SHARED_SYNTH_ENV } from '../infra/synth-stack';

export default function teardown(): void {
  const dir = process.env[SHARED_SYNTH_ENV];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
