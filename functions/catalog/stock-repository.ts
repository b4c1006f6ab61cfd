import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../shared/db';
import { queryPage, recordOf } from '../shared/item-repository';
import { productKeys, stockKeys } from '../shared/keys';
import type { Money } from '../shared/money';
import { transactWrite, type NamedAction } from '../shared/transaction-repository';
import { stampOf, type WriteContext } from '../shared/write-context';
import type { ProductRecord } from './product-repository';

/**
 * Stock lives on the product item as flat counters — `onHand`, `reserved` and `available`
 * (= onHand − reserved, stored so that conditions compare without arithmetic). Orders reserve,
 * cancellations release, shipments take reserved units off the shelf, adjustments move onHand.
 * Every change is conditioned so no counter can go negative. Stock changes stamp the write
 * (actor, request, time) but leave the product's `version` alone: an admin's If-Match on the
 * product must not go stale because orders came in.
 */

export interface StockAdjustmentRecord {
  id: string;
  productId: string;
  delta: number;
  reason: string;
  /** Stock right after the adjustment. */
  onHand: number;
  reserved: number;
  available: number;
  createdAt: string;
  createdBy: string;
}

/** Name of a product's action in a transaction. */
export const productAction = (productId: string) => `product:${productId}`;

const LIVE = 'attribute_exists(pk) AND attribute_not_exists(deletedAt)';

/** What an order line needs to touch stock. */
export interface StockLine {
  productId: string;
  quantity: number;
}

/** Placeholders for attribute names (several, like `status`, are reserved words). */
const NAMES: Record<string, string> = {
  '#onHand': 'onHand',
  '#reserved': 'reserved',
  '#available': 'available',
  '#status': 'status',
  '#price': 'price',
  '#amount': 'amount',
  '#currency': 'currency',
  '#version': 'version',
  '#updatedAt': 'updatedAt',
  '#updatedBy': 'updatedBy',
  '#requestId': 'requestId',
  '#sourceIp': 'sourceIp',
};

/**
 * One stamped, conditioned update of a product's stock counters. DynamoDB refuses unused
 * placeholders, so only the names the expressions mention are sent.
 */
function stockUpdate(productId: string, set: string, condition: string, values: Record<string, unknown>, ctx: WriteContext, name = productAction(productId)): NamedAction {
  const update = `SET ${set}, #updatedAt = :at, #updatedBy = :by, #requestId = :rid, #sourceIp = :ip`;
  const text = `${update} ${condition}`;
  const stamp = stampOf(ctx);
  return {
    name,
    action: {
      Update: {
        TableName: tableName(),
        Key: productKeys.byId(productId),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: Object.fromEntries(Object.entries(NAMES).filter(([placeholder]) => new RegExp(`${placeholder}\\b`).test(text))),
        ExpressionAttributeValues: { ...values, ':at': stamp.updatedAt, ':by': stamp.updatedBy, ':rid': stamp.requestId, ':ip': stamp.sourceIp },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
  };
}

/**
 * Reserves `quantity` units for an order: only while that many are available, the product is active
 * and not deleted, and its price is still the one the order was priced with (a concurrent price change
 * cancels the order instead of mispricing it).
 */
export function reserveStock(line: StockLine & { unitPrice: Money }, ctx: WriteContext, pricedFromVersion?: number): NamedAction {
  // With the version the line was priced from, nothing of the product (name, SKU, price, status) can
  // have changed since: stock counters do not move the version (see the catalog's stock model).
  const version = pricedFromVersion === undefined ? '' : ' AND #version = :version';
  return stockUpdate(
    line.productId,
    '#reserved = #reserved + :q, #available = #available - :q',
    `${LIVE} AND #status = :active AND #available >= :q AND #price.#amount = :amount AND #price.#currency = :currency${version}`,
    {
      ':q': line.quantity,
      ':active': 'active',
      ':amount': line.unitPrice.amount,
      ':currency': line.unitPrice.currency,
      ...(pricedFromVersion === undefined ? {} : { ':version': pricedFromVersion }),
    },
    ctx,
  );
}

/** Gives reserved units back (order cancelled). Works on deleted products too: the units exist. */
export function releaseStock(line: StockLine, ctx: WriteContext): NamedAction {
  return stockUpdate(line.productId, '#reserved = #reserved - :q, #available = #available + :q', 'attribute_exists(pk) AND #reserved >= :q', { ':q': line.quantity }, ctx);
}

/** Reserved units leave the warehouse (order shipped): onHand and reserved both fall; available stays. */
export function shipStock(line: StockLine, ctx: WriteContext): NamedAction {
  return stockUpdate(
    line.productId,
    '#onHand = #onHand - :q, #reserved = #reserved - :q',
    'attribute_exists(pk) AND #reserved >= :q AND #onHand >= :q',
    { ':q': line.quantity },
    ctx,
  );
}

/** Products by id in one BatchGetItem (strongly consistent); keys DynamoDB left unprocessed are asked again. */
export async function findProducts(ids: readonly string[]): Promise<Map<string, ProductRecord>> {
  const found = new Map<string, ProductRecord>();
  let keys: Record<string, unknown>[] = ids.map((id) => ({ ...productKeys.byId(id) }));
  while (keys.length > 0) {
    const { Responses, UnprocessedKeys } = await documentClient.send(
      new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys, ConsistentRead: true } } }),
    );
    for (const item of Responses?.[tableName()] ?? []) {
      const record = recordOf<ProductRecord>(item);
      found.set(record.id, record);
    }
    keys = (UnprocessedKeys?.[tableName()]?.Keys as Record<string, unknown>[] | undefined) ?? [];
  }
  return found;
}

/**
 * Applies an adjustment to the stock read at `before` and records it, in one transaction. The update
 * is conditioned on exactly the counters read, so the stock it writes (and the adjustment records) is
 * exact; if orders moved the counters meanwhile, the condition loses and the caller reads again.
 */
export async function applyAdjustment(before: ProductRecord, adjustment: StockAdjustmentRecord, ctx: WriteContext): Promise<void> {
  await transactWrite([
    stockUpdate(
      before.id,
      '#onHand = :onHand, #available = :available',
      `${LIVE} AND #onHand = :onHandBefore AND #reserved = :reservedBefore`,
      { ':onHand': adjustment.onHand, ':available': adjustment.available, ':onHandBefore': before.onHand, ':reservedBefore': before.reserved },
      ctx,
      'product',
    ),
    {
      name: 'adjustment',
      action: {
        Put: {
          TableName: tableName(),
          Item: { ...stockKeys.adjustment(before.id, adjustment.id), entityType: 'stock_adjustment', ...adjustment, ...stampOf(ctx) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    },
  ]);
}

/** A product's adjustments, newest first (one Query on its partition). */
export function queryAdjustments(productId: string, limit: number, startKey?: Record<string, unknown>) {
  return queryPage<StockAdjustmentRecord>({
    partition: stockKeys.productPartition(productId),
    sortPrefix: stockKeys.adjustmentPrefix(),
    limit,
    startKey,
  });
}
