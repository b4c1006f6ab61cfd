import * as z from 'zod/mini';
import { defineKind, OutcomeRefused } from '../approvals/kind';
import { DAY, policyStep } from '../approvals/policy';
import { Money } from '../shared/money';
import { Actor, Id } from '../shared/schemas';
import { TransactionCancelled } from '../shared/transaction-repository';
import { newRefund, ORDER_ACTION, refundActions } from './refund-writes';

/**
 * A refund (by default > 100.00 → finance; > 1,000.00 → finance then admin). The measure is the
 * amount in minor units. Nothing changes while it waits — the order and the ledger are touched only
 * when the approved refund executes (one transaction with the approval's once-only mark), so a
 * rejected refund leaves both exactly as they were.
 */
export const RefundSubject = z.lazy(() =>
  z.object({
    orderId: Id,
    amount: Money,
    reason: z.string(),
    requestedBy: Actor,
  }),
);
export type RefundSubject = z.infer<typeof RefundSubject>;

const format = (money: { amount: number; currency: string }) => `${(money.amount / 100).toFixed(2)} ${money.currency}`;

export const refund = defineKind<RefundSubject>({
  kind: 'refund',
  subject: RefundSubject,
  defaultPolicy: {
    rules: [
      { above: 10_000, steps: [policyStep('finance', 2 * DAY, { escalateTo: 'admin' })] },
      { above: 100_000, steps: [policyStep('finance', 2 * DAY, { escalateTo: 'admin' }), policyStep('admin', 3 * DAY, 'reject')] },
    ],
  },
  measureDescription: 'amount in minor units (100.00 EUR = 10000)',
  measure: (s) => s.amount.amount,
  summary: (s) => `Refund ${format(s.amount)} on order ${s.orderId}: ${s.reason}`,
  async apply(s, ctx) {
    const record = newRefund(s.orderId, s, s.requestedBy, ctx.write.at);
    try {
      await ctx.commit(refundActions(record, ctx.write));
    } catch (error) {
      if (error instanceof TransactionCancelled && error.failed(ORDER_ACTION)) {
        throw new OutcomeRefused('The order no longer has that much to refund (or is gone)');
      }
      throw error;
    }
  },
  // Nothing was held: a rejection only records its outcome.
  async reject(_s, ctx) {
    await ctx.commit([]);
  },
});
