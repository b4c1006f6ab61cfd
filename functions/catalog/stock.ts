import { decodeCursor, encodeCursor } from '../shared/cursor';
import { conflict, notFound } from '../shared/errors';
import { newId } from '../shared/ids';
import { TransactionCancelled } from '../shared/transaction-repository';
import type { WriteContext } from '../shared/write-context';
import { findProduct, type ProductRecord } from './product-repository';
import type { StockAdjustment } from './schemas';
import { applyAdjustment, queryAdjustments, type StockAdjustmentRecord } from './stock-repository';

/**
 * Inventory use cases: stock adjustments with a reason; stock never goes negative. Whether a removal
 * waits for an approval is decided before this, in ./write-offs.ts.
 */

export function toStockAdjustment(record: StockAdjustmentRecord): StockAdjustment {
  return {
    id: record.id,
    productId: record.productId,
    delta: record.delta,
    reason: record.reason,
    stock: { onHand: record.onHand, reserved: record.reserved, available: record.available },
    createdAt: record.createdAt,
    createdBy: record.createdBy,
  };
}

const ATTEMPTS = 3;

/**
 * Reads the product's stock, then applies the delta in one transaction conditioned on exactly the
 * counters read, so the stock written — and reported — is exact. If orders changed the counters in
 * between, it reads again (at most three attempts, then 409).
 */
export async function adjustStock(productId: string, input: { delta: number; reason: string }, ctx: WriteContext): Promise<StockAdjustment> {
  for (let attempt = 1; ; attempt++) {
    const product = await findProduct(productId);
    if (!product || product.deletedAt) throw notFound('Product');
    const record = adjusted(product, input, ctx);
    try {
      await applyAdjustment(product, record, ctx);
      return toStockAdjustment(record);
    } catch (error) {
      if (!(error instanceof TransactionCancelled)) throw error;
      // The counters moved (or the product was deleted) since the read: read again.
      if (attempt >= ATTEMPTS) throw conflict('The stock kept changing while this request ran; retry');
    }
  }
}

function adjusted(product: ProductRecord, input: { delta: number; reason: string }, ctx: WriteContext): StockAdjustmentRecord {
  const available = product.available ?? product.onHand - product.reserved;
  if (available + input.delta < 0) {
    throw conflict(
      `Only ${available} units of ${product.sku} are available (${product.onHand} on hand, ${product.reserved} reserved); ` +
        `an adjustment of ${input.delta} would make stock negative`,
      'insufficient-stock',
    );
  }
  return {
    id: newId(),
    productId: product.id,
    delta: input.delta,
    reason: input.reason,
    onHand: product.onHand + input.delta,
    reserved: product.reserved,
    available: available + input.delta,
    createdAt: ctx.at,
    createdBy: ctx.actor,
  };
}

export async function listStockAdjustments(productId: string, limit: number, cursor: string | undefined) {
  const binding = `admin.stock-adjustments|${productId}`;
  const page = await queryAdjustments(productId, limit, decodeCursor(cursor, binding));
  return { items: page.items.map(toStockAdjustment), nextCursor: encodeCursor(page.lastKey, binding) };
}
