import { ORDER_ACTION, orderUpdate } from '../orders/order-repository';
import { badRequest, conflict, notFound } from '../shared/errors';
import { newId } from '../shared/ids';
import type { Money } from '../shared/money';
import type { NamedAction } from '../shared/transaction-repository';
import type { WriteContext } from '../shared/write-context';
import { refundPosting } from './ledger';
import { postingActions } from './ledger-repository';
import { refundPut, type RefundRecord } from './payment-repository';

/** A refund's writes, shared by a refund made at once and one applied after its approval. */

export const formatMoney = (amount: number, currency: string) => `${(amount / 100).toFixed(2)} ${currency}`;

export const currencyMismatch = (given: string, expected: string) =>
  badRequest(`The order is in ${expected}, not ${given}`, [{ path: 'body.amount.currency', message: `Must be ${expected}` }]);

export function newRefund(orderId: string, input: { amount: Money; reason: string }, createdBy: string, at: string): RefundRecord {
  return { id: newId(), orderId, amount: input.amount, reason: input.reason, ledgerTransactionId: newId(), createdAt: at, createdBy };
}

/**
 * The order's amounts — conditioned on its currency and on `refundable >= amount`, so concurrent
 * refunds can never together exceed what was paid — the refund item and its balanced ledger posting.
 */
export function refundActions(refund: RefundRecord, ctx: WriteContext): NamedAction[] {
  const amount = refund.amount.amount;
  const posting = refundPosting({ id: refund.ledgerTransactionId, currency: refund.amount.currency, orderId: refund.orderId, at: ctx.at, amount, refundId: refund.id });
  return [
    orderUpdate(
      refund.orderId,
      {
        increment: { refundable: -amount, refundedAmount: amount },
        condition: {
          expression: '#orderCurrency = :currency AND #refundable >= :amount',
          names: { '#orderCurrency': 'currency', '#refundable': 'refundable' },
          values: { ':currency': refund.amount.currency, ':amount': amount },
        },
      },
      ctx,
    ),
    refundPut(refund, ctx),
    ...postingActions(posting, ctx),
  ];
}

/** Why the order refused a refund, from the order item DynamoDB compared against (or read). */
export function refundRefusal(order: Record<string, unknown> | undefined, amount: Money): Error {
  if (!order) return notFound('Order');
  if (order.currency !== amount.currency) return currencyMismatch(amount.currency, String(order.currency));
  const refundable = Number(order.refundable);
  return conflict(
    `The refund of ${formatMoney(amount.amount, amount.currency)} exceeds the ${formatMoney(refundable, amount.currency)} that can still be refunded`,
    'refund-exceeds-paid',
  );
}


export { ORDER_ACTION };
