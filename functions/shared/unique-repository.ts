import { UniqueValueTaken } from './conditional';
import { tableName } from './db';
import type { PrimaryKey } from './keys';
import { TransactionCancelled, transactWrite, type TransactItem } from './transaction-repository';
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

export function claimPut(claim: UniqueClaim, ctx: WriteContext): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...claim.key, entityType: 'unique', kind: claim.field, value: claim.value, ownerId: claim.ownerId, ...stampOf(ctx) },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The name of a claim's action in a transaction (one claim per field). */
export const claimActionName = (field: string) => `claim:${field}`;

/** Puts a new item and its unique claims in one transaction; a taken value → UniqueValueTaken. */
export async function insertWithClaims(item: Record<string, unknown>, claims: UniqueClaim[], ctx: WriteContext): Promise<void> {
  try {
    await transactWrite([
      { name: 'item', action: { Put: { TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' } } },
      ...claims.map((claim) => ({ name: claimActionName(claim.field), action: claimPut(claim, ctx) })),
    ]);
  } catch (error) {
    const taken = error instanceof TransactionCancelled ? claims.find((claim) => error.failed(claimActionName(claim.field))) : undefined;
    if (taken) throw new UniqueValueTaken(taken.field);
    throw error;
  }
}
