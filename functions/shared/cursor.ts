import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from './errors';
import { requireEnv } from './env';

/**
 * Opaque, tamper-evident list cursors: base64url(JSON of the last evaluated key) + HMAC.
 * The MAC also covers the list's identity (route + filters), so a cursor cannot be replayed
 * against another list or partition.
 */
let signingKey: Buffer | undefined;
function key(): Buffer {
  signingKey ??= Buffer.from(requireEnv('CURSOR_SIGNING_KEY'), 'utf8');
  return signingKey;
}

function mac(payload: string, binding: string): Buffer {
  return createHmac('sha256', key()).update(binding).update('\n').update(payload).digest();
}

export function encodeCursor(lastKey: Record<string, unknown> | undefined, binding: string): string | null {
  if (!lastKey) return null;
  const payload = Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
  return `${payload}.${mac(payload, binding).toString('base64url')}`;
}

export function decodeCursor(cursor: string | undefined, binding: string): Record<string, unknown> | undefined {
  if (cursor === undefined) return undefined;
  const invalid = () => badRequest('The cursor is invalid', [{ path: 'query.cursor', message: 'Invalid cursor' }]);
  const [payload, signature, ...rest] = cursor.split('.');
  if (!payload || !signature || rest.length > 0) throw invalid();
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(payload, binding);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid();
    return parsed as Record<string, unknown>;
  } catch {
    throw invalid();
  }
}
