import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';

/**
 * S3 locally (docs/architecture.md#local-runtime): s3rver, keeping its objects under `<data dir>/s3`, on 127.0.0.1. Handlers
 * reach it through AWS_ENDPOINT_URL_S3 with path-style addressing, so the presigned URLs they sign
 * (http://127.0.0.1:<port>/<bucket>/<key>?X-Amz-…) download from the host as they are.
 */
export interface LocalS3 {
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
}

/** The exports bucket's name locally (in AWS the stack names it). */
export const LOCAL_EXPORTS_BUCKET = 'backoffice-exports';

/** s3rver knows one account; the local runtime's credentials are added to it (it refuses unknown keys). */
function allowCredentials(credentials: { accessKeyId: string; secretAccessKey: string }): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- s3rver's account registry has no typed entry point
  const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } };
  DUMMY_ACCOUNT.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
}

export async function startLocalS3(options: {
  port: number;
  directory: string;
  bucket?: string;
  /** The credentials handlers sign with (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). */
  credentials: { accessKeyId: string; secretAccessKey: string };
}): Promise<LocalS3> {
  mkdirSync(options.directory, { recursive: true, mode: 0o700 });
  allowCredentials(options.credentials);
  const bucket = options.bucket ?? LOCAL_EXPORTS_BUCKET;
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port,
    directory: options.directory,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const address = await server.run();
  return { endpoint: `http://127.0.0.1:${address.port}`, bucket, stop: () => server.close() };
}
