import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PartnerTierName } from '../shared/schema/partner-tiers';
import { ConditionFailed } from '../shared/conditional';
import { documentClient, tableName } from '../shared/db';
import { getRecord, queryPage, updateRecord } from '../shared/item-repository';
import { apiKeyKeys, GSI1, GSI2, partnerKeys } from '../shared/keys';
import { buildUpdate } from '../shared/update-expression';
import { TransactionCancelled, transactWrite, type NamedAction } from '../shared/transaction-repository';
import { stampOf, type WriteContext } from '../shared/write-context';
import type { KeyState } from './api-keys';

export interface ApiKeyRecord extends KeyState {
  keyId: string;
  partnerId: string;
  prefix: string;
  secretHash: string;
  scopes: string[];
  createdAt: string;
  /** After a rotation: the key that replaces this one. */
  replacedBy?: string;
  version?: number;
}

export interface PartnerRecord {
  id: string;
  name: string;
  scopes: string[];
  tier: PartnerTierName;
  status: 'active' | 'disabled';
  rateLimit: { requestsPerSecond: number; burst: number };
  dailyQuota: number;
  /** The API Gateway API key of the partner's usage plan (REST API, API key source AUTHORIZER); set in AWS. */
  usageIdentifierKey?: string;
  usageApiKeyId?: string;
  usagePlanId?: string;
  createdAt: string;
  version: number;
  updatedAt?: string;
  updatedBy?: string;
  deletedAt?: string;
  deletedBy?: string;
}

const partnerItem = (partner: PartnerRecord, ctx: WriteContext) => ({
  ...partnerKeys.byId(partner.id),
  ...partnerKeys.all(partner.createdAt, partner.id),
  ...apiKeyKeys.partnerHead(partner.id),
  entityType: 'partner',
  ...partner,
  ...stampOf(ctx),
});

const keyItem = (key: ApiKeyRecord, ctx: WriteContext) => ({
  ...apiKeyKeys.byId(key.keyId),
  ...apiKeyKeys.ofPartner(key.partnerId, key.createdAt, key.keyId),
  entityType: 'partner_key',
  ...key,
  version: key.version ?? 1,
  ...stampOf(ctx),
});

export function findApiKey(keyId: string): Promise<ApiKeyRecord | undefined> {
  return getRecord<ApiKeyRecord>(apiKeyKeys.byId(keyId));
}

/** A partner by id (one read); the local gateway also reads its limits from here as a usage plan. */
export function findPartner(id: string): Promise<PartnerRecord | undefined> {
  return getRecord<PartnerRecord>(partnerKeys.byId(id));
}

export function queryPartners(limit: number, startKey?: Record<string, unknown>) {
  return queryPage<PartnerRecord>({ index: GSI2, partition: partnerKeys.allPartition(), limit, startKey });
}

export function queryApiKeys(partnerId: string, limit: number, startKey?: Record<string, unknown>) {
  return queryPage<ApiKeyRecord>({ index: GSI1, partition: apiKeyKeys.ofPartnerPartition(partnerId), limit, startKey });
}

/**
 * The first page of a partner's keys together with the partner (one Query: the partner item heads its
 * keys' partition). `partner` is undefined when the partition has no head: an unknown partner, or one
 * written before partners carried the head keys (their next update adds them).
 */
export async function queryPartnerWithKeys(partnerId: string, limit: number): Promise<{ partner?: PartnerRecord; keys: ApiKeyRecord[]; lastKey?: Record<string, unknown> }> {
  const page = await queryPage<(ApiKeyRecord | PartnerRecord) & { entityType?: string }>({ index: GSI1, partition: apiKeyKeys.ofPartnerPartition(partnerId), limit: limit + 1 });
  const [first, ...rest] = page.items;
  if (first && 'id' in first && first.id === partnerId && !('keyId' in first)) return { partner: first as PartnerRecord, keys: rest as ApiKeyRecord[], ...(page.lastKey ? { lastKey: page.lastKey } : {}) };
  return { keys: page.items.slice(0, limit) as ApiKeyRecord[] };
}

export async function insertPartner(partner: PartnerRecord, ctx: WriteContext): Promise<void> {
  await documentClient.send(new PutCommand({ TableName: tableName(), Item: partnerItem(partner, ctx), ConditionExpression: 'attribute_not_exists(pk)' }));
}

/** Creates a partner together with its first key (seeding). */
export async function insertPartnerWithKey(partner: PartnerRecord, key: ApiKeyRecord, ctx: WriteContext): Promise<void> {
  await transactWrite([
    { name: PARTNER_ACTION, action: { Put: { TableName: tableName(), Item: partnerItem(partner, ctx), ConditionExpression: 'attribute_not_exists(pk)' } } },
    { name: KEY_ACTION, action: { Put: { TableName: tableName(), Item: keyItem(key, ctx), ConditionExpression: 'attribute_not_exists(pk)' } } },
  ]);
}

const LIVE_PARTNER = 'attribute_exists(pk) AND attribute_not_exists(deletedAt)';

export function updatePartner(id: string, set: Record<string, unknown>, expectedVersion: number | undefined, ctx: WriteContext): Promise<PartnerRecord> {
  // The head keys are set on every update, so partners created before they existed gain them.
  return updateRecord<PartnerRecord>(
    partnerKeys.byId(id),
    buildUpdate({ set: { ...stampOf(ctx), ...apiKeyKeys.partnerHead(id), ...set }, increment: { version: 1 } }),
    LIVE_PARTNER,
    expectedVersion,
  );
}

/**
 * Deleting a partner disables it (its keys stop working at once) and drops it from the partner list
 * (the list index is sparse); the item stays for the audit trail and the partner's orders.
 */
export function markPartnerDeleted(id: string, expectedVersion: number | undefined, ctx: WriteContext): Promise<PartnerRecord> {
  const update = buildUpdate({
    set: { ...stampOf(ctx), ...apiKeyKeys.partnerHead(id), status: 'disabled', deletedAt: ctx.at, deletedBy: ctx.actor },
    remove: ['gsi2pk', 'gsi2sk'],
    increment: { version: 1 },
  });
  return updateRecord<PartnerRecord>(partnerKeys.byId(id), update, LIVE_PARTNER, expectedVersion);
}

export async function insertApiKey(key: ApiKeyRecord, ctx: WriteContext): Promise<void> {
  await documentClient.send(new PutCommand({ TableName: tableName(), Item: keyItem(key, ctx), ConditionExpression: 'attribute_not_exists(pk)' }));
}

/** Name of the partner's check in a key-issuing transaction. */
export const PARTNER_ACTION = 'partner';
const KEY_ACTION = 'key';

/**
 * A new key under a check of its partner, for one transaction: the partner exists, is not deleted, is
 * active and holds every scope of the key (on a failed check DynamoDB returns the partner it saw).
 */
export function apiKeyIssueActions(key: ApiKeyRecord, ctx: WriteContext): NamedAction[] {
  const values: Record<string, unknown> = { ':active': 'active' };
  const scopes = key.scopes.map((scope, i) => {
    values[`:scope${i}`] = scope;
    return `contains(#scopes, :scope${i})`;
  });
  return [
    {
      name: PARTNER_ACTION,
      action: {
        ConditionCheck: {
          TableName: tableName(),
          Key: partnerKeys.byId(key.partnerId),
          ConditionExpression: [LIVE_PARTNER, '#status = :active', ...scopes].join(' AND '),
          ExpressionAttributeNames: { '#status': 'status', '#scopes': 'scopes' },
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    },
    { name: KEY_ACTION, action: { Put: { TableName: tableName(), Item: keyItem(key, ctx), ConditionExpression: 'attribute_not_exists(pk)' } } },
  ];
}

/** Revokes a key of this partner that is not revoked yet (another partner's key is "not found"). */
export function revokeApiKey(partnerId: string, keyId: string, ctx: WriteContext): Promise<ApiKeyRecord> {
  const update = buildUpdate({ set: { ...stampOf(ctx), revokedAt: ctx.at }, increment: { version: 1 } });
  return updateRecord<ApiKeyRecord>(
    apiKeyKeys.byId(keyId),
    { ...update, ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':partner': partnerId } },
    'partnerId = :partner AND attribute_not_exists(revokedAt)',
  );
}

/**
 * Rotation: the old key (read at `old.version`) gets a grace deadline and a successor, and the new
 * key is created, in one transaction.
 */
export async function rotateApiKey(old: ApiKeyRecord, replacement: ApiKeyRecord, graceUntil: string, ctx: WriteContext): Promise<void> {
  const update = buildUpdate({ set: { ...stampOf(ctx), graceUntil, replacedBy: replacement.keyId }, increment: { version: 1 } });
  try {
    await transactWrite([
      {
        name: 'replacedKey',
        action: {
          Update: {
            TableName: tableName(),
            Key: apiKeyKeys.byId(old.keyId),
            ...update,
            ConditionExpression: 'version = :expected AND attribute_not_exists(revokedAt) AND attribute_not_exists(replacedBy)',
            ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':expected': old.version ?? 1 },
          },
        },
      },
      { name: KEY_ACTION, action: { Put: { TableName: tableName(), Item: keyItem(replacement, ctx), ConditionExpression: 'attribute_not_exists(pk)' } } },
    ]);
  } catch (error) {
    if (error instanceof TransactionCancelled) throw new ConditionFailed(undefined);
    throw error;
  }
}

export interface UsagePlanBinding {
  usageIdentifierKey: string;
  usageApiKeyId: string;
  usagePlanId: string;
}

/**
 * Records which API Gateway key and usage plan serve a partner (AWS only). A system field: the
 * partner's version stays, so an admin's If-Match is not made stale by it.
 */
export function bindUsagePlan(partnerId: string, binding: UsagePlanBinding, ctx: WriteContext): Promise<PartnerRecord> {
  return updateRecord<PartnerRecord>(partnerKeys.byId(partnerId), buildUpdate({ set: { ...stampOf(ctx), ...binding } }), 'attribute_exists(pk)');
}
