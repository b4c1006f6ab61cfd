import { toView } from '../approvals/approval-state';
import { refund as refundKind, type RefundSubject } from './refund-approval';
import { requestApproval } from '../approvals/request';
import type { ApprovalView, PolicyStep } from '../approvals/schemas';
import { findOrder } from '../orders/order-repository';
import { conflict } from '../shared/errors';
import type { RecordResponse, StoredResponse } from '../shared/idempotency';
import { IDEMPOTENCY_ACTION } from '../shared/idempotency-repository';
import type { Money } from '../shared/money';
import { TransactionCancelled } from '../shared/transaction-repository';
import type { WriteContext } from '../shared/write-context';
import { refundRefusal } from './refund-writes';

/**
 * A refund the approval policy holds back: checked against the order now (404, currency, what can
 * still be refunded), then stored as an approval — with the request's idempotency record in the same
 * transaction, so a retry replays the 202 — and executed by the workflow once approved.
 */
export async function requestRefundApproval<T>(
  orderId: string,
  input: { amount: Money; reason: string },
  steps: PolicyStep[],
  record: RecordResponse<T | { approval: ApprovalView }>,
  ctx: WriteContext,
): Promise<StoredResponse<{ approval: ApprovalView }>> {
  const order = await findOrder(orderId);
  if (!order || order.currency !== input.amount.currency || order.refundable < input.amount.amount) {
    throw refundRefusal(order as unknown as Record<string, unknown> | undefined, input.amount);
  }
  const subject: RefundSubject = { orderId, amount: input.amount, reason: input.reason, requestedBy: ctx.actor };
  const accepted = (approval: Parameters<typeof toView>[0]) => ({ status: 202, body: { approval: toView(approval) } });
  try {
    const approval = await requestApproval(refundKind, subject, steps, (a) => record(accepted(a)), ctx);
    return accepted(approval);
  } catch (error) {
    // The idempotency record exists (a retry of this request, or another one with the same key).
    if (error instanceof TransactionCancelled && error.failed(IDEMPOTENCY_ACTION)) throw conflict('This Idempotency-Key was used by an earlier request', 'idempotency-conflict');
    throw error;
  }
}
