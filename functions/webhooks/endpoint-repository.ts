import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../shared/db';
import { getRecord, queryPage, updateRecord } from '../shared/item-repository';
import { GSI1, webhookKeys } from '../shared/keys';
import { buildUpdate } from '../shared/update-expression';
import type { WebhookEndpointRecord } from './model';

const ENTITY = 'webhook_endpoint';

export async function putEndpoint(endpoint: WebhookEndpointRecord): Promise<void> {
  await documentClient.send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...webhookKeys.endpoint(endpoint.id), ...webhookKeys.ofPartner(endpoint.partnerId, endpoint.createdAt, endpoint.id), entityType: ENTITY, ...endpoint },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export function findEndpoint(id: string): Promise<WebhookEndpointRecord | undefined> {
  return getRecord<WebhookEndpointRecord>(webhookKeys.endpoint(id));
}

/** A partner's live endpoints, newest first (deleted ones leave the index). */
export function queryPartnerEndpoints(partnerId: string, limit: number, startKey?: Record<string, unknown>) {
  return queryPage<WebhookEndpointRecord>({ index: GSI1, partition: webhookKeys.ofPartnerPartition(partnerId), limit, startKey });
}

/**
 * One conditional update of a partner's live endpoint (and, when given, at the caller's version).
 * A lost condition throws ConditionFailed with the item as it was.
 */
export function updateEndpoint(
  id: string,
  partnerId: string,
  change: { set?: Record<string, unknown>; remove?: string[] },
  expectedVersion: number | undefined,
): Promise<WebhookEndpointRecord> {
  const update = buildUpdate({ set: change.set, remove: change.remove, increment: { version: 1 } });
  return updateRecord<WebhookEndpointRecord>(
    webhookKeys.endpoint(id),
    { ...update, ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':partner': partnerId } },
    'attribute_exists(pk) AND partnerId = :partner AND attribute_not_exists(deletedAt)',
    expectedVersion,
  );
}
