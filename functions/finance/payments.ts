import { historyEvent, explainOrderRace } from '../orders/order-state';
import { findOrder, ORDER_ACTION, orderEventPut, orderUpdate } from '../orders/order-repository';
import { badRequest, conflict, notFound } from '../shared/errors';
import { runIdempotent, type CommandResult, type IdempotentRequest } from '../shared/idempotency';
import { newId } from '../shared/ids';
import type { Money } from '../shared/money';
import { TransactionCancelled, transactWrite } from '../shared/transaction-repository';
import type { WriteContext } from '../shared/write-context';
import { paymentPosting, refundPosting } from './ledger';
import { postingActions } from './ledger-repository';
import { paymentPut, refundPut, type PaymentRecord, type RefundRecord } from './payment-repository';
import type { Payment, Refund } from './schemas';

/**
 * Payments and refunds. Each is ONE transaction: the order's amounts (and status), the payment or
 * refund item, and its balanced ledger posting (entries + running balances) commit together or not at
 * all, so the ledger can never disagree with the orders.
 */

const currencyMismatch = (given: string, expected: string) =>
  badRequest(`The order is in ${expected}, not ${given}`, [{ path: 'body.amount.currency', message: `Must be ${expected}` }]);

const format = (amount: number, currency: string) => `${(amount / 100).toFixed(2)} ${currency}`;

/**
 * Records a payment: read the order (currency, status, outstanding amount), then one transaction
 * conditioned on the version read. The order becomes `paid` when the payment covers what is outstanding.
 */
export async function recordPayment(
  orderId: string,
  input: { amount: Money; method: Payment['method']; reference?: string },
  idempotency: IdempotentRequest | undefined,
  ctx: WriteContext,
): Promise<CommandResult<Payment>> {
  return runIdempotent<Payment>(idempotency, ctx, async (record) => {
    const order = await findOrder(orderId);
    if (!order) throw notFound('Order');
    if (input.amount.currency !== order.currency) throw currencyMismatch(input.amount.currency, order.currency);
    if (order.status !== 'pending_payment') {
      throw conflict(`The order is ${order.status}: only an order that is pending_payment takes payments`, 'illegal-transition');
    }
    const amount = input.amount.amount;
    if (amount > order.outstanding) {
      throw conflict(`The payment of ${format(amount, order.currency)} exceeds the ${format(order.outstanding, order.currency)} outstanding`, 'overpayment');
    }
    const settles = amount === order.outstanding;
    const payment: PaymentRecord = {
      id: newId(),
      orderId,
      amount: input.amount,
      method: input.method,
      ...(input.reference === undefined ? {} : { reference: input.reference }),
      ledgerTransactionId: newId(),
      createdAt: ctx.at,
      createdBy: ctx.actor,
    };
    const posting = paymentPosting({ id: payment.ledgerTransactionId, currency: order.currency, orderId, at: ctx.at, amount, paymentId: payment.id });
    const response = { status: 201, body: { ...payment, orderStatus: settles ? 'paid' : order.status } };
    try {
      await transactWrite([
        ...record(response),
        orderUpdate(
          orderId,
          {
            ...(settles ? { status: 'paid' as const } : {}),
            increment: { paidAmount: amount, outstanding: -amount, refundable: amount },
            fromStatuses: ['pending_payment'],
            expectedVersion: order.version,
          },
          ctx,
        ),
        ...(settles ? [orderEventPut(historyEvent(orderId, 'pending_payment', 'paid', ctx), ctx)] : []),
        paymentPut(payment, ctx),
        ...postingActions(posting, ctx),
      ]);
    } catch (error) {
      if (error instanceof TransactionCancelled) throw explainOrderRace(error, order, 'paid') ?? error;
      throw error;
    }
    return response;
  });
}

/** Amounts above this (minor units of the order's currency: 100.00) need an approval (DESIGN §7). */
export const REFUND_APPROVAL_LIMIT = 10_000;

export type RefundDecision = { kind: 'refund' } | { kind: 'approval'; role: string; limit: number };

/**
 * The seam for the approvals issue: refunds up to 100.00 execute at once; larger ones are held for
 * a `finance` approval (then the route answers 202 with the approval). Until approvals exist they
 * are refused with 409.
 */
export function refundPolicy(amount: Money): RefundDecision {
  return amount.amount > REFUND_APPROVAL_LIMIT ? { kind: 'approval', role: 'finance', limit: REFUND_APPROVAL_LIMIT } : { kind: 'refund' };
}

/**
 * Refunds part or all of what was paid: ONE transaction and no read — the order update is
 * conditioned on `refundable >= amount` (and the currency), so concurrent refunds can never together
 * exceed what was paid; the refund item and its ledger posting commit with it.
 */
export async function recordRefund(
  orderId: string,
  input: { amount: Money; reason: string },
  idempotency: IdempotentRequest | undefined,
  ctx: WriteContext,
): Promise<CommandResult<Refund>> {
  const decision = refundPolicy(input.amount);
  if (decision.kind === 'approval') {
    throw conflict(
      `Refunds above ${format(decision.limit, input.amount.currency)} need an approval by ${decision.role}, ` +
        'and approvals are not available yet: refund at most that amount',
      'approval-required',
    );
  }
  return runIdempotent<Refund>(idempotency, ctx, async (record) => {
    const amount = input.amount.amount;
    const refund: RefundRecord = {
      id: newId(),
      orderId,
      amount: input.amount,
      reason: input.reason,
      ledgerTransactionId: newId(),
      createdAt: ctx.at,
      createdBy: ctx.actor,
    };
    const posting = refundPosting({ id: refund.ledgerTransactionId, currency: input.amount.currency, orderId, at: ctx.at, amount, refundId: refund.id });
    const response = { status: 201, body: refund };
    try {
      await transactWrite([
        ...record(response),
        orderUpdate(
          orderId,
          {
            increment: { refundable: -amount, refundedAmount: amount },
            condition: {
              expression: '#orderCurrency = :currency AND #refundable >= :amount',
              names: { '#orderCurrency': 'currency', '#refundable': 'refundable' },
              values: { ':currency': input.amount.currency, ':amount': amount },
            },
          },
          ctx,
        ),
        refundPut(refund, ctx),
        ...postingActions(posting, ctx),
      ]);
    } catch (error) {
      if (!(error instanceof TransactionCancelled) || !error.failed(ORDER_ACTION)) throw error;
      const current = error.current(ORDER_ACTION);
      if (!current) throw notFound('Order');
      if (current.currency !== input.amount.currency) throw currencyMismatch(input.amount.currency, String(current.currency));
      const refundable = Number(current.refundable);
      throw conflict(
        `The refund of ${format(amount, input.amount.currency)} exceeds the ${format(refundable, input.amount.currency)} that can still be refunded`,
        'refund-exceeds-paid',
      );
    }
    return response;
  });
}
