import { refund as refundKind } from '../approvals/kinds/refund';
import { POLICY_ACTION } from '../approvals/policy-repository';
import { cachedApprovalSteps } from '../approvals/request';
import type { ApprovalView } from '../approvals/schemas';
import { historyEvent, explainOrderRace } from '../orders/order-state';
import { findOrder, ORDER_ACTION, orderUpdate } from '../orders/order-repository';
import { badRequest, conflict, notFound } from '../shared/errors';
import { runIdempotent, type CommandResult, type IdempotentRequest } from '../shared/idempotency';
import { newId } from '../shared/ids';
import type { Money } from '../shared/money';
import { TransactionCancelled, transactWrite } from '../shared/transaction-repository';
import type { WriteContext } from '../shared/write-context';
import { paymentPosting } from './ledger';
import { postingActions } from './ledger-repository';
import { paymentPut, type PaymentRecord, type RefundRecord } from './payment-repository';
import { requestRefundApproval } from './refund-approvals';
import { newRefund, refundActions, refundRefusal } from './refund-writes';
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
            ...(settles ? { status: 'paid' as const, event: historyEvent('pending_payment', 'paid', ctx) } : {}),
            increment: { paidAmount: amount, outstanding: -amount, refundable: amount },
            fromStatuses: ['pending_payment'],
            expectedVersion: order.version,
          },
          ctx,
        ),
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

/**
 * Refunds part or all of what was paid: ONE transaction and no read — the order update is
 * conditioned on `refundable >= amount` (and the currency), so concurrent refunds can never together
 * exceed what was paid; the refund item and its ledger posting commit with it, and so does a check of
 * the approval policy version the container decided on (read once per container, re-read if it moved). A refund the approval
 * policy holds back (DESIGN §7: > 100.00 → finance; > 1,000.00 → finance then admin) answers 202 with
 * the approval instead, and executes when approved (functions/approvals/kinds/refund.ts).
 */
export async function recordRefund(
  orderId: string,
  input: { amount: Money; reason: string },
  idempotency: IdempotentRequest | undefined,
  ctx: WriteContext,
): Promise<CommandResult<Refund | { approval: ApprovalView }>> {
  return runIdempotent<Refund | { approval: ApprovalView }>(idempotency, ctx, async (record) => {
    const subject = { orderId, amount: input.amount, reason: input.reason, requestedBy: ctx.actor };
    for (let fresh = false; ; fresh = true) {
      const decision = await cachedApprovalSteps(refundKind, subject, fresh);
      if (decision.steps.length > 0) {
        if (decision.fromCache) continue;
        return requestRefundApproval(orderId, input, decision.steps, record, ctx);
      }
      const refund: RefundRecord = newRefund(orderId, input, ctx.actor, ctx.at);
      const response = { status: 201, body: refund };
      try {
        await transactWrite([...record(response), ...refundActions(refund, ctx), decision.check]);
        return response;
      } catch (error) {
        if (!(error instanceof TransactionCancelled)) throw error;
        if (error.failed(ORDER_ACTION)) throw refundRefusal(error.current(ORDER_ACTION), input.amount);
        if (error.failed(POLICY_ACTION)) {
          if (!fresh) continue;
          throw conflict('The approval policy changed while this refund was decided; retry', 'policy-changed');
        }
        throw error;
      }
    }
  });
}
