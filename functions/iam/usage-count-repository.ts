import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../shared/db';
import { usageCountKeys } from '../shared/keys';

/** Counts are kept two days (table TTL): long enough for any request of their day to read them. */
const KEEP_SECONDS = 2 * 24 * 60 * 60;

/**
 * Adds one to the partner's request count of `day` and returns the new count (one UpdateItem; the
 * item is derived data, filtered out of the stream consumers).
 */
export async function countPartnerRequest(partnerId: string, day: string, nowMs: number): Promise<number> {
  const { Attributes } = await documentClient.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: usageCountKeys.ofDay(partnerId, day),
      UpdateExpression: 'ADD #count :one SET entityType = :type, #ttl = if_not_exists(#ttl, :ttl)',
      ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':one': 1, ':type': 'usage_count', ':ttl': Math.floor(nowMs / 1000) + KEEP_SECONDS },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(Attributes?.count ?? 0);
}
