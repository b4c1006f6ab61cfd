import * as z from 'zod/mini';
import { defineKind, OutcomeRefused } from '../approvals/kind';
import { DAY, policyStep } from '../approvals/policy';
import { Money } from '../shared/money';
import { Id } from '../shared/schemas';
import { TransactionCancelled } from '../shared/transaction-repository';
import { applyPendingPrice, clearPendingPrice, PRICE_PRODUCT_ACTION } from './price-approval-repository';

/** A product's price change (by default > 20 % → admin). The measure is the change in percent. */
export const PriceChangeSubject = z.lazy(() =>
  z.object({
    productId: Id,
    sku: z.string(),
    name: z.string(),
    from: Money,
    to: Money,
  }),
);
export type PriceChangeSubject = z.infer<typeof PriceChangeSubject>;

/** How much a price changes, in percent of the current price (a change from zero, or of currency, is infinite). */
export function priceChangePercent(from: { amount: number; currency: string }, to: { amount: number; currency: string }): number {
  if (from.currency !== to.currency) return Number.POSITIVE_INFINITY;
  if (from.amount === to.amount) return 0;
  if (from.amount === 0) return Number.POSITIVE_INFINITY;
  return (Math.abs(to.amount - from.amount) * 100) / from.amount;
}

const format = (money: { amount: number; currency: string }) => `${(money.amount / 100).toFixed(2)} ${money.currency}`;

export const priceChange = defineKind<PriceChangeSubject>({
  kind: 'price_change',
  subject: PriceChangeSubject,
  defaultPolicy: { rules: [{ above: 20, steps: [policyStep('admin', 3 * DAY, 'reject')] }] },
  measureDescription: 'change in percent of the current price, up or down',
  measure: (s) => priceChangePercent(s.from, s.to),
  summary: (s) => {
    const percent = priceChangePercent(s.from, s.to);
    const change = Number.isFinite(percent) ? ` (${s.to.amount >= s.from.amount ? '+' : '−'}${percent.toFixed(1)} %)` : '';
    return `Price of ${s.sku} (${s.name}) from ${format(s.from)} to ${format(s.to)}${change}`;
  },
  async apply(s, ctx) {
    try {
      await ctx.commit([applyPendingPrice(s.productId, ctx.approvalId, s.to, ctx.write)]);
    } catch (error) {
      if (error instanceof TransactionCancelled && error.failed(PRICE_PRODUCT_ACTION))
        throw new OutcomeRefused('The product was deleted or no longer waits for this price change');
      throw error;
    }
  },
  async reject(s, ctx) {
    try {
      await ctx.commit([clearPendingPrice(s.productId, ctx.approvalId, ctx.write)]);
    } catch (error) {
      // The mark is gone already (nothing to return to): record the outcome alone.
      if (error instanceof TransactionCancelled && error.failed(PRICE_PRODUCT_ACTION)) await ctx.commit([]);
      else throw error;
    }
  },
});
