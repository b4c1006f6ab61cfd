import { requireEnv } from '../shared/env';

/**
 * Where the exports module addresses an S3 object, for the two places that talk to S3 without the S3
 * client (object-store.ts sends requests, presign.ts signs download links): path-style
 * (`<endpoint>/<bucket>/<key>`), so a local endpoint needs no DNS for bucket subdomains, against
 * AWS_ENDPOINT_URL_S3 when it is set (locally s3rver; the AWS SDK honours the same variable) and the
 * region's endpoint otherwise. Read at each call: the local runtime sets the variable after start-up.
 */
export interface S3Address {
  /** The endpoint (protocol, host, port, any base path). */
  endpoint: URL;
  /** `/<bucket>/<key>` under the endpoint's base path, every segment URI-encoded (RFC 3986). */
  path: string;
  /** The object's URL without a query. */
  url: string;
}

/** RFC 3986 encoding of one path segment, as S3 canonicalises it (also `!'()*`, which encodeURIComponent keeps). */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function s3Endpoint(): URL {
  return new URL(process.env.AWS_ENDPOINT_URL_S3 || `https://s3.${requireEnv('AWS_REGION')}.amazonaws.com`);
}

/** The address of `bucket/key`; a key's `/` separate segments (each encoded on its own). */
export function s3Address(bucket: string, key: string): S3Address {
  const endpoint = s3Endpoint();
  const path = `${endpoint.pathname.replace(/\/$/, '')}/${[bucket, ...key.split('/')].map(encodeSegment).join('/')}`;
  return { endpoint, path, url: `${endpoint.protocol}//${endpoint.host}${path}` };
}
