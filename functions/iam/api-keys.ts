import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newId } from '../shared/ids';

/**
 * Partner API keys: `bok_<keyId>_<secret>`. The key id finds the record in one read; only a
 * SHA-256 of the 256-bit random secret is stored (a slow hash adds nothing for random secrets).
 */
const KEY_PATTERN = /^bok_([0-9A-HJKMNP-TV-Z]{26})_([A-Za-z0-9_-]{43})$/;

export interface IssuedKey {
  keyId: string;
  key: string;
  prefix: string;
  secretHash: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function issueKey(): IssuedKey {
  const keyId = newId();
  const secret = randomBytes(32).toString('base64url');
  const key = `bok_${keyId}_${secret}`;
  return { keyId, key, prefix: key.slice(0, 12), secretHash: hashSecret(secret) };
}

export function parseKey(key: string | undefined): { keyId: string; secret: string } | undefined {
  const match = key ? KEY_PATTERN.exec(key) : null;
  return match ? { keyId: match[1]!, secret: match[2]! } : undefined;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

export interface KeyState {
  revokedAt?: string;
  expiresAt?: string;
  /** After a rotation the old key keeps working until this time. */
  graceUntil?: string;
}

/** Why a key is unusable at `now`, or undefined when it works. */
export function keyRefusal(state: KeyState, now: Date): string | undefined {
  if (state.revokedAt) return 'revoked';
  if (state.expiresAt && Date.parse(state.expiresAt) <= now.getTime()) return 'expired';
  if (state.graceUntil && Date.parse(state.graceUntil) <= now.getTime()) return 'rotated';
  return undefined;
}
