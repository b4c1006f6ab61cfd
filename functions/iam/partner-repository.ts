import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../shared/db';
import { apiKeyKeys, partnerKeys } from '../shared/keys';
import { stampOf, type WriteContext } from '../shared/write-context';
import type { KeyState } from './api-keys';

export interface ApiKeyRecord extends KeyState {
  keyId: string;
  partnerId: string;
  prefix: string;
  secretHash: string;
  scopes: string[];
  /** The API Gateway API key value of the partner's usage plan (REST API, API key source AUTHORIZER). */
  usageIdentifierKey?: string;
  createdAt: string;
}

export interface PartnerRecord {
  id: string;
  name: string;
  scopes: string[];
  status: 'active' | 'disabled';
  rateLimit: { requestsPerSecond: number; burst: number };
  dailyQuota: number;
  usageIdentifierKey?: string;
  createdAt: string;
  version: number;
}

export async function findApiKey(keyId: string): Promise<ApiKeyRecord | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: apiKeyKeys.byId(keyId) }));
  return Item as ApiKeyRecord | undefined;
}

/** A partner by id (one read); the local gateway reads its rate limit and quota as a usage plan. */
export async function findPartner(id: string): Promise<PartnerRecord | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: partnerKeys.byId(id) }));
  return Item as PartnerRecord | undefined;
}

/** Creates a partner together with its first key (used by seeding; the partner CRUD issue extends this). */
export async function insertPartnerWithKey(partner: PartnerRecord, key: ApiKeyRecord, ctx: WriteContext): Promise<void> {
  await documentClient.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName(),
            Item: { ...partnerKeys.byId(partner.id), ...partnerKeys.all(partner.createdAt, partner.id), entityType: 'partner', ...partner, ...stampOf(ctx) },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: tableName(),
            Item: {
              ...apiKeyKeys.byId(key.keyId),
              ...apiKeyKeys.ofPartner(partner.id, key.createdAt, key.keyId),
              entityType: 'partner_key',
              ...key,
              version: 1,
              ...stampOf(ctx),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    }),
  );
}
