import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { UniqueValueTaken } from './conditional';
import { documentClient, tableName } from './db';
import type { PrimaryKey } from './keys';
import { stampOf, type WriteContext } from './write-context';

/**
 * Unique values (SKU, staff email) are claimed by an item of their own, written in the same
 * transaction as the entity, so two writers can never both win.
 */
export interface UniqueClaim {
  key: PrimaryKey;
  /** Names the field in errors (`sku`, `email`). */
  field: string;
  value: string;
  ownerId: string;
}

export function claimPut(claim: UniqueClaim, ctx: WriteContext) {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...claim.key, entityType: 'unique', kind: claim.field, value: claim.value, ownerId: claim.ownerId, ...stampOf(ctx) },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** True when the transaction failed because the item at `index` (a claim) already exists. */
export function claimFailedAt(error: unknown, index: number): boolean {
  return error instanceof TransactionCanceledException && error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';
}

/** Puts a new item and its unique claims in one transaction; a taken value → UniqueValueTaken. */
export async function insertWithClaims(item: Record<string, unknown>, claims: UniqueClaim[], ctx: WriteContext): Promise<void> {
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
          ...claims.map((claim) => claimPut(claim, ctx)),
        ],
      }),
    );
  } catch (error) {
    const taken = claims.find((_, i) => claimFailedAt(error, i + 1));
    if (taken) throw new UniqueValueTaken(taken.field);
    throw error;
  }
}
