import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_CREDENTIALS } from '../local/dynamodb';
import { startLocalS3 } from '../local/s3';

/**
 * s3rver in a process of its own for the export benchmark, so the bench process's memory is the
 * export's alone (s3rver buffers the parts it receives). Prints `{"endpoint","bucket"}` on one line
 * once listening; stops on SIGTERM and removes its directory.
 */
async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-s3-'));
  const s3 = await startLocalS3({ port: 0, directory: dir, credentials: LOCAL_CREDENTIALS });
  process.stdout.write(`${JSON.stringify({ endpoint: s3.endpoint, bucket: s3.bucket })}\n`);
  process.on('SIGTERM', () => {
    void s3.stop().finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

void main();
