import * as z from 'zod/mini';
import { defineKind, OutcomeRefused } from '../approvals/kind';
import { DAY, policyStep } from '../approvals/policy';
import { newId } from '../shared/ids';
import { Actor, Id } from '../shared/schemas';
import { TransactionCancelled } from '../shared/transaction-repository';
import { findProduct } from './product-repository';
import type { StockAdjustmentRecord } from './stock-repository';
import { applyWriteOff, releaseWriteOff, WRITE_OFF_ACTION } from './write-off-approval-repository';

/** A stock write-off (by default ≥ 100 units → operations). The measure is the number of units; they are held while it waits. */
export const StockWriteOffSubject = z.lazy(() =>
  z.object({
    productId: Id,
    sku: z.string(),
    name: z.string(),
    units: z.int().check(z.minimum(1)),
    reason: z.string(),
    requestedBy: Actor,
  }),
);
export type StockWriteOffSubject = z.infer<typeof StockWriteOffSubject>;

const ATTEMPTS = 3;

export const stockWriteOff = defineKind<StockWriteOffSubject>({
  kind: 'stock_write_off',
  subject: StockWriteOffSubject,
  defaultPolicy: { rules: [{ atLeast: 100, steps: [policyStep('operations', 2 * DAY, { escalateTo: 'admin' })] }] },
  measureDescription: 'units written off',
  measure: (s) => s.units,
  summary: (s) => `Write off ${s.units} × ${s.sku} (${s.name}): ${s.reason}`,
  async apply(s, ctx) {
    // Conditioned on the counters read, so the adjustment records the exact stock; orders may move
    // them meanwhile, so read again (a few times).
    for (let attempt = 1; ; attempt++) {
      const product = await findProduct(s.productId);
      if (!product) throw new OutcomeRefused('The product no longer exists');
      const available = product.available ?? product.onHand - product.reserved;
      const adjustment: StockAdjustmentRecord = {
        id: newId(),
        productId: s.productId,
        delta: -s.units,
        reason: s.reason,
        onHand: product.onHand - s.units,
        reserved: product.reserved - s.units,
        available,
        createdAt: ctx.write.at,
        createdBy: s.requestedBy,
      };
      try {
        await ctx.commit(applyWriteOff(product, adjustment, s.units, ctx.write));
        return;
      } catch (error) {
        if (!(error instanceof TransactionCancelled && error.failed(WRITE_OFF_ACTION.product))) throw error;
        if (product.reserved < s.units || product.onHand < s.units) throw new OutcomeRefused('The held units are no longer there');
        if (attempt >= ATTEMPTS) throw error;
      }
    }
  },
  async reject(s, ctx) {
    try {
      await ctx.commit([releaseWriteOff(s.productId, s.units, ctx.write)]);
    } catch (error) {
      if (error instanceof TransactionCancelled && error.failed(WRITE_OFF_ACTION.product)) throw new OutcomeRefused('The held units are no longer reserved');
      throw error;
    }
  },
});
