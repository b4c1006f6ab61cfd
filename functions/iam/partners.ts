import { PARTNER_TIERS, type PartnerTierName } from '../shared/schema/partner-tiers';
import { now } from '../shared/clock';
import { ConditionFailed } from '../shared/conditional';
import { decodeCursor, encodeCursor } from '../shared/cursor';
import { badRequest, conflict, notFound, preconditionFailed } from '../shared/errors';
import { newId } from '../shared/ids';
import { TransactionCancelled, transactWrite } from '../shared/transaction-repository';
import type { WriteContext } from '../shared/write-context';
import { issueKey, keyRefusal } from './api-keys';
import {
  apiKeyIssueActions,
  findApiKey,
  findPartner,
  insertApiKey,
  insertPartner,
  markPartnerDeleted,
  PARTNER_ACTION,
  queryApiKeys,
  queryPartnerWithKeys,
  queryPartners,
  revokeApiKey,
  rotateApiKey,
  updatePartner as updatePartnerItem,
  type ApiKeyRecord,
  type PartnerRecord,
} from './partner-repository';
import type { ApiKeyView, PartnerView } from './schemas';

/** Partners and their API keys. Secrets are shown once and stored only as SHA-256 hashes. */

export function toPartnerView(record: PartnerRecord): PartnerView {
  const { usageIdentifierKey: _u, usageApiKeyId: _k, usagePlanId: _p, requestId: _r, sourceIp: _s, deletedAt: _d, deletedBy: _b, ...rest } = record as PartnerRecord & { requestId?: string; sourceIp?: string };
  return { ...rest, updatedAt: record.updatedAt ?? record.createdAt, updatedBy: record.updatedBy ?? 'system:unknown' };
}

export function toKeyView(record: ApiKeyRecord, at = new Date(now())): ApiKeyView {
  const refusal = keyRefusal(record, at);
  const status = refusal === 'revoked' ? 'revoked' : refusal === 'expired' || refusal === 'rotated' ? 'expired' : record.graceUntil ? 'rotating' : 'active';
  return {
    id: record.keyId,
    partnerId: record.partnerId,
    prefix: record.prefix,
    scopes: record.scopes,
    status,
    createdAt: record.createdAt,
    ...(record.expiresAt ? { expiresAt: record.expiresAt } : {}),
    ...(record.revokedAt ? { revokedAt: record.revokedAt } : {}),
    ...(record.graceUntil ? { graceUntil: record.graceUntil } : {}),
    ...(record.replacedBy ? { replacedBy: record.replacedBy } : {}),
  };
}

function limitsOf(tier: PartnerTierName, rateLimit?: PartnerRecord['rateLimit'], dailyQuota?: number) {
  const defaults = PARTNER_TIERS[tier];
  return {
    rateLimit: rateLimit ?? { requestsPerSecond: defaults.requestsPerSecond, burst: defaults.burst },
    dailyQuota: dailyQuota ?? defaults.dailyQuota,
  };
}

export async function createPartner(
  input: { name: string; scopes: string[]; tier: PartnerTierName; rateLimit?: PartnerRecord['rateLimit']; dailyQuota?: number },
  ctx: WriteContext,
): Promise<PartnerView> {
  const record: PartnerRecord = {
    id: newId(),
    name: input.name,
    scopes: input.scopes,
    tier: input.tier,
    status: 'active',
    ...limitsOf(input.tier, input.rateLimit, input.dailyQuota),
    createdAt: ctx.at,
    version: 1,
    updatedAt: ctx.at,
    updatedBy: ctx.actor,
  };
  await insertPartner(record, ctx);
  return toPartnerView(record);
}

async function partnerOrNotFound(id: string): Promise<PartnerRecord> {
  const record = await findPartner(id);
  if (!record || record.deletedAt) throw notFound('Partner');
  return record;
}

export async function deletePartner(id: string, expectedVersion: number | undefined, ctx: WriteContext): Promise<void> {
  try {
    await markPartnerDeleted(id, expectedVersion, ctx);
  } catch (error) {
    if (error instanceof ConditionFailed) {
      if (!error.current || error.current.deletedAt) throw notFound('Partner');
      throw preconditionFailed(`The partner is at version ${String(error.current.version)}, not ${expectedVersion}`);
    }
    throw error;
  }
}

export async function getPartner(id: string): Promise<PartnerView> {
  return toPartnerView(await partnerOrNotFound(id));
}

export async function listPartners(limit: number, cursor: string | undefined) {
  const binding = 'admin.partners';
  const page = await queryPartners(limit, decodeCursor(cursor, binding));
  return { items: page.items.map(toPartnerView), nextCursor: encodeCursor(page.lastKey, binding) };
}

export async function updatePartner(
  id: string,
  input: { name?: string; scopes?: string[]; tier?: PartnerTierName; rateLimit?: PartnerRecord['rateLimit']; dailyQuota?: number; status?: 'active' | 'disabled' },
  expectedVersion: number | undefined,
  ctx: WriteContext,
): Promise<PartnerView> {
  // A tier change without explicit limits takes the new tier's limits.
  const set: Record<string, unknown> = { ...input, ...(input.tier ? limitsOf(input.tier, input.rateLimit, input.dailyQuota) : {}) };
  try {
    return toPartnerView(await updatePartnerItem(id, set, expectedVersion, ctx));
  } catch (error) {
    if (error instanceof ConditionFailed) {
      if (!error.current || error.current.deletedAt) throw notFound('Partner');
      throw preconditionFailed(`The partner is at version ${String(error.current.version)}, not ${expectedVersion}`);
    }
    throw error;
  }
}

/**
 * A partner's keys, newest first. The first page is one Query that also returns the partner (it heads
 * its keys' index partition), so an unknown or deleted partner is 404 without a second read; later pages
 * follow a cursor signed for this partner's list. A partner written before it carried the head keys is
 * read on its own (until its next update).
 */
export async function listPartnerKeys(partnerId: string, limit: number, cursor: string | undefined) {
  const binding = `admin.partner-keys|${partnerId}`;
  const startKey = decodeCursor(cursor, binding);
  if (startKey) {
    const page = await queryApiKeys(partnerId, limit, startKey);
    return { items: page.items.map((key) => toKeyView(key)), nextCursor: encodeCursor(page.lastKey, binding) };
  }
  const first = await queryPartnerWithKeys(partnerId, limit);
  if (!first.partner) {
    await partnerOrNotFound(partnerId);
    const page = await queryApiKeys(partnerId, limit);
    return { items: page.items.map((key) => toKeyView(key)), nextCursor: encodeCursor(page.lastKey, binding) };
  }
  if (first.partner.deletedAt) throw notFound('Partner');
  return { items: first.keys.map((key) => toKeyView(key)), nextCursor: encodeCursor(first.lastKey, binding) };
}

function newKeyRecord(partnerId: string, scopes: string[], expiresAt: string | undefined, ctx: WriteContext) {
  const issued = issueKey();
  const record: ApiKeyRecord = {
    keyId: issued.keyId,
    partnerId,
    prefix: issued.prefix,
    secretHash: issued.secretHash,
    scopes,
    createdAt: ctx.at,
    version: 1,
    ...(expiresAt ? { expiresAt } : {}),
  };
  const shown = { id: issued.keyId, partnerId, key: issued.key, prefix: issued.prefix, scopes, expiresAt: expiresAt ?? null, createdAt: ctx.at };
  return { record, shown };
}

/**
 * Issues a key with a subset of the partner's scopes; the response is the only time the secret is seen.
 *
 * With its scopes named, one transaction and no read: the key, and a check that its partner exists,
 * is active and holds each of them; the partner DynamoDB returns on a failed check says which problem
 * it is (404, 409, 400). Without scopes the key takes all of the partner's, which are read first; so
 * is the partner when the expiry has passed, since a partner problem is the answer that comes first.
 */
export async function issuePartnerKey(partnerId: string, input: { scopes?: string[]; expiresAt?: string }, ctx: WriteContext) {
  const expired = input.expiresAt !== undefined && Date.parse(input.expiresAt) <= Date.parse(ctx.at);
  if (input.scopes === undefined || expired) {
    const partner = await partnerOrNotFound(partnerId);
    const scopes = input.scopes ?? partner.scopes;
    assertKeyFits(partner, scopes);
    if (expired) throw badRequest('expiresAt must be in the future', [{ path: 'body.expiresAt', message: 'Must be in the future' }]);
    const { record, shown } = newKeyRecord(partnerId, scopes, input.expiresAt, ctx);
    await insertApiKey(record, ctx);
    return shown;
  }
  const { record, shown } = newKeyRecord(partnerId, input.scopes, input.expiresAt, ctx);
  try {
    await transactWrite(apiKeyIssueActions(record, ctx));
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failed(PARTNER_ACTION)) {
      const seen = error.current(PARTNER_ACTION) as PartnerRecord | undefined;
      if (!seen || seen.deletedAt) throw notFound('Partner');
      assertKeyFits(seen, input.scopes);
    }
    throw error;
  }
  return shown;
}

/** A key for `partner` may carry `scopes`: the partner is active (409) and holds each of them (400). */
function assertKeyFits(partner: PartnerRecord, scopes: readonly string[]): void {
  if (partner.status !== 'active') throw conflict('The partner is disabled', 'partner-disabled');
  const outside = scopes.filter((scope) => !partner.scopes.includes(scope));
  if (outside.length > 0) {
    throw badRequest('A key can only carry scopes its partner has', outside.map((scope) => ({ path: 'body.scopes', message: `The partner lacks ${scope}` })));
  }
}

export async function revokePartnerKey(partnerId: string, keyId: string, ctx: WriteContext): Promise<void> {
  try {
    await revokeApiKey(partnerId, keyId, ctx);
  } catch (error) {
    if (error instanceof ConditionFailed) {
      if (!error.current || error.current.partnerId !== partnerId) throw notFound('API key');
      throw conflict('The key is already revoked', 'already-revoked');
    }
    throw error;
  }
}

/** Rotation: a new key with the same scopes and expiry; the old one keeps working for the overlap. */
export async function rotatePartnerKey(partnerId: string, keyId: string, overlapSeconds: number, ctx: WriteContext) {
  const old = await findApiKey(keyId);
  if (!old || old.partnerId !== partnerId) throw notFound('API key');
  if (old.revokedAt) throw conflict('A revoked key cannot be rotated', 'already-revoked');
  if (old.replacedBy) throw conflict('The key was already rotated', 'already-rotated');
  const { record, shown } = newKeyRecord(partnerId, old.scopes, old.expiresAt, ctx);
  const graceUntil = new Date(Date.parse(ctx.at) + overlapSeconds * 1000).toISOString();
  try {
    await rotateApiKey(old, record, graceUntil, ctx);
  } catch (error) {
    if (error instanceof ConditionFailed) throw conflict('The key changed while this request ran; read it again and retry');
    throw error;
  }
  return shown;
}
