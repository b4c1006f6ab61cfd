import type { ProductRecord } from '../catalog/product-repository';
import { findProducts } from '../catalog/stock-repository';

/**
 * The product snapshots this container last priced orders from. An order placed from them reserves
 * stock on the condition that each product is still at the snapshot's version (stock counters do not
 * move it), so a snapshot is never trusted beyond what the transaction proves: a changed product fails
 * the condition and the order is priced again from a fresh read. Warm, placing an order reads nothing.
 * Bounded; the oldest snapshots leave first.
 */
const MAX_SNAPSHOTS = 2_000;
const snapshots = new Map<string, ProductRecord>();

export interface PricingSource {
  products: Map<string, ProductRecord>;
  /** The snapshots were not read now: their stock figures are stale, and the transaction must confirm them. */
  fromCache: boolean;
}

/** The products of an order: this container's snapshots when it has them all (and `fresh` is not asked), else one BatchGetItem. */
export async function productsForPricing(ids: readonly string[], fresh: boolean): Promise<PricingSource> {
  const unique = [...new Set(ids)];
  if (!fresh && unique.every((id) => snapshots.has(id))) {
    return { products: new Map(unique.map((id) => [id, snapshots.get(id)!])), fromCache: true };
  }
  const products = await findProducts(unique);
  for (const id of unique) {
    snapshots.delete(id);
    const product = products.get(id);
    if (product && !product.deletedAt) snapshots.set(id, product);
  }
  for (const id of snapshots.keys()) {
    if (snapshots.size <= MAX_SNAPSHOTS) break;
    snapshots.delete(id);
  }
  return { products, fromCache: false };
}
