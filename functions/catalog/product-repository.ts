import { ConditionFailed, UniqueValueTaken } from '../shared/conditional';
import { tableName } from '../shared/db';
import { DELETED, GSI1, GSI2, LIVE, productKeys, uniqueKeys } from '../shared/keys';
import type { Money } from '../shared/money';
import { getRecord, queryPage, updateRecord } from '../shared/item-repository';
import { TransactionCancelled, transactWrite } from '../shared/transaction-repository';
import { buildUpdate } from '../shared/update-expression';
import { claimActionName, claimPut, insertWithClaims, type UniqueClaim } from '../shared/unique-repository';
import { stampOf, type WriteContext } from '../shared/write-context';
import type { ProductStatus } from './schemas';

/** A product as stored (flat stock counters so conditions can compare them). */
export interface ProductRecord {
  id: string;
  sku: string;
  name: string;
  description?: string;
  price: Money;
  status: ProductStatus;
  onHand: number;
  reserved: number;
  /**
   * onHand − reserved, stored so stock conditions need no arithmetic (`available >= :q`). Products
   * created before inventory existed lack it; their stock was zero, so a missing value reads as 0.
   */
  available?: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  requestId: string;
  sourceIp: string;
  deletedAt?: string;
  deletedBy?: string;
}

const ENTITY = 'product';

function indexKeys(status: ProductStatus, liveness: typeof LIVE | typeof DELETED, id: string) {
  return { ...productKeys.byStatus(status, liveness, id), ...productKeys.all(liveness, id) };
}

function skuClaim(sku: string, productId: string): UniqueClaim {
  return { key: uniqueKeys.sku(sku), field: 'sku', value: sku, ownerId: productId };
}

/** Creates the product and claims its SKU in one transaction. */
export function insertProduct(product: ProductRecord, ctx: WriteContext): Promise<void> {
  const item = { ...productKeys.byId(product.id), ...indexKeys(product.status, LIVE, product.id), entityType: ENTITY, ...product };
  return insertWithClaims(item, [skuClaim(product.sku, product.id)], ctx);
}

export function findProduct(id: string): Promise<ProductRecord | undefined> {
  return getRecord<ProductRecord>(productKeys.byId(id));
}

/** The id of the product holding a SKU, from its uniqueness claim (one read). */
export async function findProductIdBySku(sku: string): Promise<string | undefined> {
  return (await getRecord<{ ownerId: string }>(uniqueKeys.sku(sku)))?.ownerId;
}

export interface ProductQuery {
  status?: ProductStatus;
  includeDeleted: boolean;
  limit: number;
  startKey?: Record<string, unknown>;
}

/** One Query on gsi1 (by status) or gsi2 (all); live items sort first, deleted ones after. */
export function queryProducts(query: ProductQuery): Promise<{ items: ProductRecord[]; lastKey?: Record<string, unknown> }> {
  return queryPage<ProductRecord>({
    index: query.status === undefined ? GSI2 : GSI1,
    partition: query.status === undefined ? productKeys.allPartition() : productKeys.byStatusPartition(query.status),
    ...(query.includeDeleted ? {} : { sortPrefix: productKeys.liveSortPrefix() }),
    limit: query.limit,
    startKey: query.startKey,
  });
}

export interface ProductChanges {
  name?: string;
  description?: string | null;
  price?: Money;
  status?: ProductStatus;
}

function changeSet(changes: ProductChanges, ctx: WriteContext) {
  const set: Record<string, unknown> = { ...stampOf(ctx), name: changes.name, price: changes.price };
  if (changes.description !== undefined && changes.description !== null) set.description = changes.description;
  if (changes.status !== undefined) {
    set.status = changes.status;
    set.gsi1pk = productKeys.byStatusPartition(changes.status);
  }
  const remove = changes.description === null ? ['description'] : [];
  return { set, remove };
}

const LIVE_PRODUCT = 'attribute_exists(pk) AND attribute_not_exists(deletedAt)';

export function updateProduct(
  id: string,
  changes: ProductChanges,
  expectedVersion: number | undefined,
  ctx: WriteContext,
): Promise<ProductRecord> {
  const { set, remove } = changeSet(changes, ctx);
  return updateRecord<ProductRecord>(productKeys.byId(id), buildUpdate({ set, remove, increment: { version: 1 } }), LIVE_PRODUCT, expectedVersion);
}

/**
 * A SKU change moves the uniqueness claim: release the old SKU, claim the new one and update the
 * product in one transaction, conditioned on the version the caller read.
 */
export async function updateProductWithSku(
  current: ProductRecord,
  newSku: string,
  changes: ProductChanges,
  ctx: WriteContext,
): Promise<ProductRecord> {
  const { set, remove } = changeSet(changes, ctx);
  set.sku = newSku;
  set.version = current.version + 1;
  const update = buildUpdate({ set, remove });
  const claim = skuClaim(newSku, current.id);
  try {
    await transactWrite([
      {
        name: 'product',
        action: {
          Update: {
            TableName: tableName(),
            Key: productKeys.byId(current.id),
            ...update,
            ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':expected': current.version },
            ConditionExpression: `${LIVE_PRODUCT} AND version = :expected`,
          },
        },
      },
      {
        name: 'releasedSku',
        action: {
          Delete: {
            TableName: tableName(),
            Key: uniqueKeys.sku(current.sku),
            ConditionExpression: 'ownerId = :owner',
            ExpressionAttributeValues: { ':owner': current.id },
          },
        },
      },
      { name: claimActionName(claim.field), action: claimPut(claim, ctx) },
    ]);
  } catch (error) {
    if (!(error instanceof TransactionCancelled)) throw error;
    if (error.failed(claimActionName(claim.field))) throw new UniqueValueTaken('sku');
    throw new ConditionFailed(undefined);
  }
  const next: ProductRecord = { ...current, ...stampOf(ctx), sku: newSku, version: current.version + 1 };
  if (changes.name !== undefined) next.name = changes.name;
  if (changes.price !== undefined) next.price = changes.price;
  if (changes.status !== undefined) next.status = changes.status;
  if (changes.description === null) delete next.description;
  else if (changes.description !== undefined) next.description = changes.description;
  return next;
}

/** Soft delete: the item stays (and keeps its SKU) but moves to the deleted end of every list. */
export function markProductDeleted(id: string, expectedVersion: number | undefined, ctx: WriteContext): Promise<ProductRecord> {
  const update = buildUpdate({
    set: {
      ...stampOf(ctx),
      deletedAt: ctx.at,
      deletedBy: ctx.actor,
      gsi1sk: productKeys.sortKeyOf(DELETED, id),
      gsi2sk: productKeys.sortKeyOf(DELETED, id),
    },
    increment: { version: 1 },
  });
  return updateRecord<ProductRecord>(productKeys.byId(id), update, LIVE_PRODUCT, expectedVersion);
}

export function markProductRestored(id: string, expectedVersion: number | undefined, ctx: WriteContext): Promise<ProductRecord> {
  const update = buildUpdate({
    set: { ...stampOf(ctx), gsi1sk: productKeys.sortKeyOf(LIVE, id), gsi2sk: productKeys.sortKeyOf(LIVE, id) },
    remove: ['deletedAt', 'deletedBy'],
    increment: { version: 1 },
  });
  return updateRecord<ProductRecord>(productKeys.byId(id), update, 'attribute_exists(deletedAt)', expectedVersion);
}
