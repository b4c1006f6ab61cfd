import { createHmac, randomBytes } from 'node:crypto';
import type { SigningSecret } from './model';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): `v1,<base64 HMAC-SHA256>` of
 * `<webhook-id>.<webhook-timestamp>.<body>`, keyed with the bytes after `whsec_`. During a rotation
 * every secret still valid signs, space-separated, so a receiver holding either the old or the new
 * secret verifies the same delivery.
 */

const PREFIX = 'whsec_';
const SECRET_BYTES = 24;

export function newSigningSecret(): string {
  return PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

function keyOf(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) throw new Error('A signing secret starts with whsec_');
  return Buffer.from(secret.slice(PREFIX.length), 'base64');
}

function sign(secret: string, content: string): string {
  return `v1,${createHmac('sha256', keyOf(secret)).update(content, 'utf8').digest('base64')}`;
}

/** The `webhook-signature` header: one signature per secret unexpired at `nowIso`. */
export function signatureHeader(secrets: readonly SigningSecret[], id: string, timestampSeconds: number, body: string, nowIso: string): string {
  const valid = secrets.filter((secret) => secret.expiresAt === undefined || secret.expiresAt > nowIso);
  if (valid.length === 0) throw new Error('The endpoint has no valid signing secret');
  const content = `${id}.${timestampSeconds}.${body}`;
  return valid.map((secret) => sign(secret.secret, content)).join(' ');
}
