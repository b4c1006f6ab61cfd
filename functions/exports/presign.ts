import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { requireEnv } from '../shared/env';
import { s3Address } from './s3-address';

/**
 * Presigned GET URLs for the exports module without the S3 client: the module only signs download
 * links, and the client would add about a fifth to the module's bundle (the worker, which uploads,
 * does without it too: object-store.ts). The AWS SDK's own S3 presigner (SigV4, S3 rules) signs a
 * path-style request for the endpoint of s3-address.ts: AWS_ENDPOINT_URL_S3 when set (locally
 * s3rver), else the region's. Credentials are the function's, from the environment Lambda sets
 * (locally the runtime's).
 */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytesOf(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** sha256 / HMAC-sha256 in the shape the signer expects, on node:crypto. */
class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(this.secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

let presigner: S3RequestPresigner | undefined;
function signer(): S3RequestPresigner {
  presigner ??= new S3RequestPresigner({
    region: requireEnv('AWS_REGION'),
    sha256: Sha256,
    credentials: () =>
      Promise.resolve({
        accessKeyId: requireEnv('AWS_ACCESS_KEY_ID'),
        secretAccessKey: requireEnv('AWS_SECRET_ACCESS_KEY'),
        ...(process.env.AWS_SESSION_TOKEN ? { sessionToken: process.env.AWS_SESSION_TOKEN } : {}),
      }),
  });
  return presigner;
}

/** A presigned GET of `bucket/key`, valid for `expiresIn` seconds. */
export async function presignGet(bucket: string, key: string, expiresIn: number): Promise<string> {
  const { endpoint, path, url } = s3Address(bucket, key);
  const signed = await signer().presign(
    {
      method: 'GET',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
      path,
      query: {},
      headers: { host: endpoint.host },
    },
    { expiresIn },
  );
  const query = Object.entries(signed.query ?? {})
    .flatMap(([name, value]) => (Array.isArray(value) ? value.map((v) => [name, v]) : value === null ? [[name]] : [[name, value]]))
    .map((pair) => pair.map((part) => encodeURIComponent(part!).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('='))
    .join('&');
  return `${url}?${query}`;
}
