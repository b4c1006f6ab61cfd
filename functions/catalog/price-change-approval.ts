import * as z from 'zod/mini';
import { applyPendingPrice, clearPendingPrice } from '../../catalog/price-approval-repository';
import { Money } from '../../shared/money';
import { Id } from '../../shared/schemas';
import { SubjectConditionFailed } from '../approval-repository';
import { priceChangePercent } from '../policy';
import { defineKind, OutcomeRefused } from './kind';

/** A product's price change (DESIGN §7: > 20 % → admin). The measure is the change in percent. */
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

const format = (money: { amount: number; currency: string }) => `${(money.amount / 100).toFixed(2)} ${money.currency}`;

export const priceChange = defineKind<PriceChangeSubject>({
  kind: 'price_change',
  subject: PriceChangeSubject,
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
      if (error instanceof SubjectConditionFailed)
        throw new OutcomeRefused('The product was deleted or no longer waits for this price change');
      throw error;
    }
  },
  async reject(s, ctx) {
    try {
      await ctx.commit([clearPendingPrice(s.productId, ctx.approvalId, ctx.write)]);
    } catch (error) {
      // The mark is gone already (nothing to return to): record the outcome alone.
      if (error instanceof SubjectConditionFailed) await ctx.commit([]);
      else throw error;
    }
  },
});
