import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertNoStorageAttributes } from './storage-leaks';

/**
 * Small helpers for e2e tests against the runtime started by e2e-global-setup: its URL, the
 * printed credentials, and `api()` — one fetch returning status, headers and parsed body.
 */
export interface LocalCredentialsFile {
  adminApiUrl: string;
  partnerApiUrl: string;
  tokens: Record<string, string>;
  partnerKeys: Record<string, string>;
  issuer: string;
  staff: Record<string, { id: string; roles: string[] }>;
  partners: Record<string, { id: string }>;
  dynamodbEndpoint: string;
  tableName: string;
  auditTableName: string;
}

export function baseUrl(): string {
  const url = process.env.BACKOFFICE_URL;
  if (!url) throw new Error('BACKOFFICE_URL is not set: run e2e tests through the e2e jest project');
  return url;
}

let cached: LocalCredentialsFile | undefined;
export function credentials(): LocalCredentialsFile {
  cached ??= JSON.parse(readFileSync(process.env.BACKOFFICE_CREDENTIALS!, 'utf8')) as LocalCredentialsFile;
  return cached;
}

/** The token printed for a seeded staff member. */
export function adminToken(email = 'admin@example.com'): string {
  const token = credentials().tokens[email];
  if (!token) throw new Error(`No token for ${email}`);
  return token;
}

/** The printed key of a demo partner. */
export function partnerKey(name = 'demo-shop'): string {
  const key = credentials().partnerKeys[name];
  if (!key) throw new Error(`No key for ${name}`);
  return key;
}

export interface ApiReply {
  status: number;
  headers: Headers;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
}

export interface ApiOptions {
  token?: string;
  apiKey?: string;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

/** One request to the gateway; `path` is absolute (`/admin/v1/products`). */
export async function api(method: string, path: string, options: ApiOptions = {}): Promise<ApiReply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.apiKey !== undefined) headers['x-api-key'] = options.apiKey;
  let body: string | Buffer | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(baseUrl() + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  assertNoStorageAttributes(parsed);
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** The payload of a JWT (no verification). */
export function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Signs an RS256 JWT with the given key (to forge tokens the gateway must refuse, or to mint expired ones). */
export function signJwt(payload: Record<string, unknown>, key: KeyObject, kid: string): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'RS256', kid, typ: 'JWT' })}.${encode(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** The local issuer's signing key, from the runtime's data directory. */
export function localSigningKey(): { key: KeyObject; kid: string } {
  const stored = JSON.parse(readFileSync(join(process.env.BACKOFFICE_DATA_DIR!, 'jwt-signing-key.json'), 'utf8')) as {
    kid: string;
    privateJwk: Record<string, string>;
  };
  return { key: createPrivateKey({ key: stored.privateJwk, format: 'jwk' }), kid: stored.kid };
}

/**
 * Points this test file's environment at the runtime's DynamoDB Local and tables, so tests can
 * arrange data through the repositories. Call it before loading any repository (load them with
 * `await import(...)` afterwards); jest gives each test file its own copy of process.env.
 */
export function useRuntimeTables(): void {
  const file = credentials();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: file.dynamodbEndpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    TABLE_NAME: file.tableName,
    AUDIT_TABLE_NAME: file.auditTableName,
  });
}
