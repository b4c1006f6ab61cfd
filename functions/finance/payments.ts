import { refund as refundKind } from './refund-approval';
import { POLICY_ACTION } from '../approvals/policy-repository';
import { cachedApprovalSteps } from '../approvals/request';
import type { ApprovalView } from '../approvals/schemas';
import { historyEvent, orderChangedMeanwhile } from '../orders/order-state';
import { ORDER_ACTION, orderUpdate } from '../orders/order-repository';
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
 * Why the order refused a payment, from the order as DynamoDB saw it; undefined when the payment is
 * simply smaller than what is outstanding (a partial payment, which does not settle the order).
 */
function paymentRefusal(seen: Record<string, unknown> | undefined, amount: Money): Error | undefined {
  if (!seen) return notFound('Order');
  const currency = String(seen.currency);
  if (amount.currency !== currency) return currencyMismatch(amount.currency, currency);
  if (seen.status !== 'pending_payment') {
    return conflict(`The order is ${String(seen.status)}: only an order that is pending_payment takes payments`, 'illegal-transition');
  }
  const outstanding = Number(seen.outstanding);
  if (amount.amount > outstanding) {
    return conflict(`The payment of ${format(amount.amount, currency)} exceeds the ${format(outstanding, currency)} outstanding`, 'overpayment');
  }
  if (amount.amount < outstanding) return undefined;
  return orderChangedMeanwhile();
}

/**
 * Records a payment in ONE transaction and no read: the order update is conditioned on the state
 * (pending_payment), the currency and the amount outstanding — first as the payment that settles the
 * order (outstanding = amount: the order becomes `paid`, its history entry appended), which is the
 * usual case. When the order DynamoDB returns shows a larger balance, the payment is partial and a
 * second transaction records it (outstanding > amount, the order stays pending_payment); any other
 * refusal is explained from that order (404, 400 currency, 409 state or overpayment). The conditions
 * keep concurrent payments from ever paying more than the total.
 */
export async function recordPayment(
  orderId: string,
  input: { amount: Money; method: Payment['method']; reference?: string },
  idempotency: IdempotentRequest | undefined,
  ctx: WriteContext,
): Promise<CommandResult<Payment>> {
  return runIdempotent<Payment>(idempotency, ctx, async (record) => {
    const { amount, currency } = input.amount;
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
    const posting = paymentPosting({ id: payment.ledgerTransactionId, currency, orderId, at: ctx.at, amount, paymentId: payment.id });
    const attempt = async (settles: boolean) => {
      const response = { status: 201, body: { ...payment, orderStatus: settles ? 'paid' : 'pending_payment' } };
      await transactWrite([
        ...record(response),
        orderUpdate(
          orderId,
          {
            ...(settles ? { status: 'paid' as const, event: historyEvent('pending_payment', 'paid', ctx) } : {}),
            increment: { paidAmount: amount, outstanding: -amount, refundable: amount },
            fromStatuses: ['pending_payment'],
            condition: {
              expression: `#currency = :currency AND #outstanding ${settles ? '=' : '>'} :amount`,
              names: { '#currency': 'currency', '#outstanding': 'outstanding' },
              values: { ':currency': currency, ':amount': amount },
            },
          },
          ctx,
        ),
        paymentPut(payment, ctx),
        ...postingActions(posting, ctx),
      ]);
      return response;
    };
    const refusedOrder = (error: unknown) => (error instanceof TransactionCancelled && error.failed(ORDER_ACTION) ? error : undefined);
    try {
      return await attempt(true);
    } catch (error) {
      const refused = refusedOrder(error);
      if (!refused) throw error;
      const problem = paymentRefusal(refused.current(ORDER_ACTION), input.amount);
      if (problem) throw problem;
    }
    try {
      return await attempt(false);
    } catch (error) {
      const refused = refusedOrder(error);
      if (!refused) throw error;
      throw paymentRefusal(refused.current(ORDER_ACTION), input.amount) ?? orderChangedMeanwhile();
    }
  });
}

/**
 * Refunds part or all of what was paid: ONE transaction and no read — the order update is
 * conditioned on `refundable >= amount` (and the currency), so concurrent refunds can never together
 * exceed what was paid; the refund item and its ledger posting commit with it, and so does a check of
 * the approval policy version the container decided on (read once per container, re-read if it moved). A refund the approval
 * policy holds back (default policy: > 100.00 → finance; > 1,000.00 → finance then admin) answers 202 with
 * the approval instead, and executes when approved (functions/finance/refund-approval.ts).
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
