import { createHash } from 'node:crypto';
import { now } from './clock';
import { badRequest, conflict, HttpProblem } from './errors';
import type { RouteRequest, RouteSpec } from './http/route';
import { findIdempotencyRecord, IDEMPOTENCY_ACTION, idempotencyPut } from './idempotency-repository';
import { TransactionCancelled, type NamedAction } from './transaction-repository';
import type { WriteContext } from './write-context';

/**
 * Idempotency keys (docs/architecture.md#api-conventions) for commands that create something. The record of a key is written
 * in the same transaction as the command's effect (see idempotency-repository.ts), so there is never
 * an "in flight" record: either the command happened and its response is stored, or neither.
 *
 * - same key, same request → the stored response is replayed (same status and body);
 * - same key, another request (body, path or route) → 422;
 * - records expire after 24 h (`ttl`; an expired record that TTL has not removed yet counts as absent).
 */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface IdempotentRequest {
  /** Who sent it (`staff:<id>` / `partner:<id>`): keys are scoped to their caller. */
  actor: string;
  key: string;
  /** SHA-256 over the route, its path parameters and the validated body. */
  fingerprint: string;
}

/** What a command answered, kept with the key and replayed for a retry. */
export interface StoredResponse<T = unknown> {
  status: number;
  body: T;
}

/** JSON with object keys sorted, so the fingerprint does not depend on the client's key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function fingerprintOf(operation: string, params: unknown, body: unknown): string {
  return createHash('sha256').update(canonical({ operation, params: params ?? null, body: body ?? null })).digest('hex');
}

/**
 * The request's idempotency key, if any. `required` (partner POSTs): a missing key is 400.
 * A malformed key (empty, over 255 characters, spaces or non-ASCII) is 400 too.
 */
export function idempotencyOf(
  request: RouteRequest<RouteSpec>,
  operation: string,
  options: { required: boolean },
): IdempotentRequest | undefined {
  const key = request.headers[IDEMPOTENCY_HEADER];
  if (key === undefined || key === '') {
    if (!options.required) return undefined;
    throw badRequest('This request needs an Idempotency-Key header (for example a UUID), so a retry cannot act twice', [
      { path: 'headers.idempotency-key', message: 'Required' },
    ]);
  }
  if (!KEY_PATTERN.test(key)) {
    throw badRequest('Idempotency-Key must be 1–255 visible ASCII characters', [{ path: 'headers.idempotency-key', message: 'Invalid key' }]);
  }
  return { actor: request.principal.actor, key, fingerprint: fingerprintOf(operation, request.params, request.body) };
}

export const keyReused = () =>
  new HttpProblem(422, 'Unprocessable Content', 'This Idempotency-Key was already used for a different request', 'idempotency-key-reused');

export interface CommandResult<T> extends StoredResponse<T> {
  /** True when this is the stored response of an earlier request with the same key. */
  replayed: boolean;
}

/** Response headers of a command's result: a replay says so (`Idempotent-Replayed: true`). */
export function replayHeaders(result: { replayed: boolean }): Record<string, string> {
  return result.replayed ? { 'idempotent-replayed': 'true' } : {};
}

/** Builds the transaction action that stores the key with the response (none without a key). */
export type RecordResponse<T> = (response: StoredResponse<T>) => NamedAction[];

/**
 * Runs a command under an idempotency key. The command puts `record(response)` into its one
 * transaction, so the key is stored exactly when the effect happens. When the command fails — because
 * the key's record already exists, or because a pre-check now fails since the first request already
 * acted (the order is paid, the stock is gone) — the record decides: same request → replay the stored
 * response; another request → 422; no record → the command's own error. That lookup is the only
 * extra read, and only on failure.
 */
export async function runIdempotent<T>(
  request: IdempotentRequest | undefined,
  ctx: WriteContext,
  command: (record: RecordResponse<T>) => Promise<StoredResponse<T>>,
): Promise<CommandResult<T>> {
  const record: RecordResponse<T> = (response) => (request ? [idempotencyPut(request, response, ctx)] : []);
  try {
    return { ...(await command(record)), replayed: false };
  } catch (error) {
    if (!request || !(error instanceof TransactionCancelled || (error instanceof HttpProblem && error.status < 500))) throw error;
    const stored = await findIdempotencyRecord(request.actor, request.key);
    if (!stored || stored.ttl <= Math.floor(now() / 1000)) {
      if (error instanceof TransactionCancelled && error.failed(IDEMPOTENCY_ACTION)) {
        // The record expired between the transaction and this read: sending the request again works.
        throw conflict('The earlier request with this Idempotency-Key has just expired; send the request again', 'idempotency-expired');
      }
      throw error;
    }
    if (stored.fingerprint !== request.fingerprint) throw keyReused();
    return { ...(stored.response as StoredResponse<T>), replayed: true };
  }
}
