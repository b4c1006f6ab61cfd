import { createHash } from 'node:crypto';
import type { AwsClient } from 'aws4fetch';
import { AwsServiceError, awsSigner } from '../shared/aws-fetch';
import { requireEnv } from '../shared/env';
import { s3Address } from './s3-address';

/**
 * The exports bucket (S3; locally s3rver through AWS_ENDPOINT_URL_S3), spoken to with fetch: the eight
 * requests the worker needs, signed (SigV4) by aws4fetch, instead of the S3 client, which was a fifth
 * of the worker's bundle (docs/decisions.md, "Bundle size"). Path-style addressing (s3-address.ts).
 * - Every request carries the sha256 of its body in x-amz-content-sha256, so S3 rejects a body that
 *   does not match (aws4fetch would send UNSIGNED-PAYLOAD).
 * - A request is tried up to three times (as the S3 client was configured) when the answer is a 5xx,
 *   429 or one of S3's transient error codes, or when the connection fails; the wait before a retry
 *   is random, up to 100 ms then 200 ms (500 ms then 1 s when S3 asks to slow down). aws4fetch's
 *   own retry loop is not used: it retries ten times with waits up to 25 s, not on network errors,
 *   and leaves the bodies of the answers it drops unread.
 * - A non-2xx answer, or a 200 whose body is an <Error> (CompleteMultipartUpload can answer so),
 *   throws an Error whose `name` is S3's error code (NoSuchKey, NoSuchUpload, …).
 * Credentials are the function's, from the environment Lambda sets (locally the runtime's), read at
 * the first request.
 */

let bucketName: string | undefined;
function bucket(): string {
  bucketName ??= requireEnv('EXPORTS_BUCKET');
  return bucketName;
}

let signer: AwsClient | undefined;
function client(): AwsClient {
  signer ??= awsSigner('s3');
  return signer;
}

const MAX_ATTEMPTS = 3;
const TRANSIENT_CODES = new Set(['InternalError', 'ServiceUnavailable', 'SlowDown', 'RequestTimeout']);

interface S3Request {
  /** S3's name of the operation, for error messages. */
  operation: string;
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  key: string;
  /** Query parameters; an empty value is sent as a bare name (`?uploads`). */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

function urlOf(request: S3Request): string {
  const { url } = s3Address(bucket(), request.key);
  const query = Object.entries(request.query ?? {})
    .map(([name, value]) => (value === '' ? name : `${name}=${encodeURIComponent(value)}`))
    .join('&');
  return query ? `${url}?${query}` : url;
}

function sign(request: S3Request): Promise<Request> {
  const body = request.body ?? '';
  return client().sign(urlOf(request), {
    method: request.method,
    headers: { ...request.headers, 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex') },
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[entity]!;
  });
}

function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}

/** The text of the first `<name>` element (S3's answers have no attributes on the ones read here). */
function xmlText(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return match ? unescapeXml(match[1]!) : undefined;
}

/** The name of the document's root element (after any XML declaration or whitespace). */
function rootElement(xml: string): string | undefined {
  return /<([A-Za-z][\w.-]*)/.exec(xml)?.[1];
}

function s3Error(request: S3Request, status: number, xml: string): AwsServiceError {
  const code = xmlText(xml, 'Code') ?? (status === 404 ? 'NotFound' : 'UnknownError');
  const detail = xmlText(xml, 'Message');
  return new AwsServiceError(code, `S3 ${request.operation} of ${request.key}: ${status} ${code}${detail ? ` (${detail})` : ''}`, status);
}

function isTransient(error: unknown): boolean {
  if (error instanceof AwsServiceError) return error.status >= 500 || error.status === 429 || TRANSIENT_CODES.has(error.name);
  // fetch fails with a TypeError when the connection does (`fetch failed`, `terminated`).
  return error instanceof TypeError;
}

function backoffMs(error: unknown, attempt: number): number {
  const slowDown = error instanceof AwsServiceError && (error.status === 429 || error.status === 503 || error.name === 'SlowDown');
  return Math.random() * (slowDown ? 500 : 100) * 2 ** (attempt - 1);
}

/** Sends a request (with retries) and reads a 2xx answer with `read`; throws S3's error otherwise. */
async function send<T>(request: S3Request, read: (response: Response) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(await sign(request));
      if (!response.ok) throw s3Error(request, response.status, await response.text());
      return await read(response);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isTransient(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs(error, attempt)));
    }
  }
}

/** Reads an XML answer, which may be an <Error> even with status 200 (CompleteMultipartUpload). */
function xmlAnswer(request: S3Request): (response: Response) => Promise<string> {
  return async (response) => {
    const xml = await response.text();
    if (rootElement(xml) === 'Error') throw s3Error(request, response.status, xml);
    return xml;
  };
}

/** Reads and drops an answer's (empty or small) body, so the connection is free for the next request. */
async function discard(response: Response): Promise<void> {
  await response.arrayBuffer();
}

export interface UploadedPart {
  PartNumber: number;
  ETag: string;
}

export async function createUpload(key: string, contentType: string, contentDisposition: string): Promise<string> {
  const request: S3Request = {
    operation: 'CreateMultipartUpload',
    method: 'POST',
    key,
    query: { uploads: '' },
    headers: { 'content-type': contentType, 'content-disposition': contentDisposition },
  };
  const uploadId = xmlText(await send(request, xmlAnswer(request)), 'UploadId');
  if (!uploadId) throw new Error('S3 returned no upload id');
  return uploadId;
}

export async function uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<UploadedPart> {
  const request: S3Request = { operation: 'UploadPart', method: 'PUT', key, query: { partNumber: String(partNumber), uploadId }, body };
  const etag = await send(request, async (response) => {
    await discard(response);
    return response.headers.get('etag');
  });
  if (!etag) throw new Error('S3 returned no ETag for a part');
  return { PartNumber: partNumber, ETag: etag };
}

export async function completeUpload(key: string, uploadId: string, parts: readonly UploadedPart[]): Promise<void> {
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    parts.map((part) => `<Part><PartNumber>${part.PartNumber}</PartNumber><ETag>${escapeXml(part.ETag)}</ETag></Part>`).join('') +
    '</CompleteMultipartUpload>';
  const request: S3Request = {
    operation: 'CompleteMultipartUpload',
    method: 'POST',
    key,
    query: { uploadId },
    headers: { 'content-type': 'application/xml' },
    body: xml,
  };
  await send(request, xmlAnswer(request));
}

export async function putObject(key: string, body: Uint8Array | string, contentType: string, contentDisposition?: string): Promise<void> {
  const headers = { 'content-type': contentType, ...(contentDisposition ? { 'content-disposition': contentDisposition } : {}) };
  await send({ operation: 'PutObject', method: 'PUT', key, headers, body }, discard);
}

/** The object's bytes, or undefined when there is none. For small objects (checkpoints). */
export async function getObjectBytes(key: string): Promise<Uint8Array | undefined> {
  try {
    return await send({ operation: 'GetObject', method: 'GET', key }, async (response) => new Uint8Array(await response.arrayBuffer()));
  } catch (error) {
    if (error instanceof AwsServiceError && error.status === 404 && (error.name === 'NoSuchKey' || error.name === 'NotFound')) return undefined;
    throw error;
  }
}

/** sha256 (hex) of an object, read as a stream (bounded memory at any size). */
export async function sha256OfObject(key: string): Promise<string> {
  return send({ operation: 'GetObject', method: 'GET', key }, async (response) => {
    const hash = createHash('sha256');
    if (response.body) {
      for await (const chunk of response.body) hash.update(chunk);
    }
    return hash.digest('hex');
  });
}

export async function deleteObject(key: string): Promise<void> {
  await send({ operation: 'DeleteObject', method: 'DELETE', key }, discard);
}
