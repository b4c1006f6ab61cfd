import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { writeFileAtomic } from './paths';

/**
 * The local stand-in for the Cognito user pool: one RS256 key pair (generated at first run and kept
 * in the data directory, so tokens survive a restart), a JWKS, and access tokens shaped like
 * Cognito's — `sub` = `username` = staff id, `email`, `token_use: access`, `client_id`.
 */
export const LOCAL_CLIENT_ID = 'backoffice-local-admin';
export const TOKEN_TTL_SECONDS = 12 * 60 * 60;
const ALGORITHM = 'RS256';

export interface StaffIdentity {
  id: string;
  email: string;
}

export interface VerifiedToken {
  claims: JWTPayload;
  scopes: string[];
}

/** Why a bearer token was refused (the gateway answers 401 with this as the detail). */
export class TokenRejected extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TokenRejected';
  }
}

export interface LocalIssuer {
  /** `http://localhost:$PORT/local`: the `iss` of every token. */
  readonly issuer: string;
  /** The audience the gateway accepts (`aud`, or `client_id` when there is no `aud`). */
  readonly audience: string;
  readonly jwks: { keys: JWK[] };
  issue(staff: StaffIdentity, options?: { ttlSeconds?: number }): Promise<string>;
  /** Verifies like the HTTP API JWT authorizer: signature by a JWKS key, `iss`, `aud`/`client_id`, `exp`, `nbf`, `iat`. */
  verify(token: string): Promise<VerifiedToken>;
}

interface StoredKey {
  kid: string;
  privateJwk: JWK;
}

async function loadOrCreateKey(path: string): Promise<StoredKey> {
  if (existsSync(path)) {
    const stored = JSON.parse(readFileSync(path, 'utf8')) as StoredKey;
    if (stored.kid && stored.privateJwk?.d) return stored;
  }
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true, modulusLength: 2048 });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(privateJwk);
  const stored: StoredKey = { kid, privateJwk: { ...privateJwk, kid, alg: ALGORITHM, use: 'sig' } };
  writeFileAtomic(path, JSON.stringify(stored, null, 2));
  return stored;
}

function publicJwkOf(privateJwk: JWK, kid: string): JWK {
  return { kty: privateJwk.kty, n: privateJwk.n, e: privateJwk.e, kid, alg: ALGORITHM, use: 'sig' };
}

function scopesOf(claims: JWTPayload): string[] {
  const raw = claims.scope ?? claims.scp;
  if (typeof raw === 'string') return raw.split(' ').filter(Boolean);
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string');
  return [];
}

export async function createLocalIssuer(options: { keyFile: string; issuer: string; audience?: string }): Promise<LocalIssuer> {
  const stored = await loadOrCreateKey(options.keyFile);
  const signingKey = (await importJWK(stored.privateJwk, ALGORITHM)) as CryptoKey;
  const jwks = { keys: [publicJwkOf(stored.privateJwk, stored.kid)] };
  const keySet = createLocalJWKSet(jwks);
  const issuer = options.issuer;
  const audience = options.audience ?? LOCAL_CLIENT_ID;

  return {
    issuer,
    audience,
    jwks,
    async issue(staff, issueOptions = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({
        username: staff.id,
        email: staff.email,
        token_use: 'access',
        client_id: audience,
        scope: 'aws.cognito.signin.user.admin',
        auth_time: now,
      })
        .setProtectedHeader({ alg: ALGORITHM, kid: stored.kid, typ: 'JWT' })
        .setSubject(staff.id)
        .setIssuer(issuer)
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + (issueOptions.ttlSeconds ?? TOKEN_TTL_SECONDS))
        .setJti(randomUUID())
        .sign(signingKey);
    },
    async verify(token) {
      let claims: JWTPayload;
      try {
        ({ payload: claims } = await jwtVerify(token, keySet, { issuer, algorithms: [ALGORITHM], requiredClaims: ['exp'] }));
      } catch (error) {
        const code = (error as { code?: string }).code;
        const reasons: Record<string, string> = {
          ERR_JWT_EXPIRED: 'The token has expired',
          ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'The token signature is invalid',
          ERR_JWKS_NO_MATCHING_KEY: 'The token is not signed by a key of this issuer',
          ERR_JWT_CLAIM_VALIDATION_FAILED: `The token is not valid: ${(error as Error).message}`,
        };
        throw new TokenRejected(reasons[code ?? ''] ?? 'The token is malformed or invalid');
      }
      // Like the HTTP API authorizer: `aud` must match, or `client_id` when the token has no `aud`.
      const aud = claims.aud;
      const audiences = aud === undefined ? [] : Array.isArray(aud) ? aud : [aud];
      const matches = audiences.length > 0 ? audiences.includes(audience) : claims.client_id === audience;
      if (!matches) throw new TokenRejected('The token was issued for another audience');
      if (typeof claims.iat === 'number' && claims.iat > Math.floor(Date.now() / 1000) + 1) {
        throw new TokenRejected('The token was issued in the future');
      }
      return { claims, scopes: scopesOf(claims) };
    },
  };
}
