import { assertVersion, conflict, notFound, staleVersion } from '../shared/errors';
import type { Money } from '../shared/money';
import type { TransactionCancelled } from '../shared/transaction-repository';
import type { WriteContext } from '../shared/write-context';
import { assertTransition, illegalTransition, sourcesOf } from './lifecycle';
import { findOrder, ORDER_ACTION, type OrderHistoryRecord, type OrderRecord } from './order-repository';
import type { Order, OrderStatus } from './schemas';

/**
 * What every module that moves an order needs (orders, payments, shipments): the order's view, its
 * history entries, the read before a transition and the explanation of a lost race.
 */

const money = (amount: number, currency: Money['currency']): Money => ({ amount, currency });

export function toOrder(record: OrderRecord): Order {
  const c = record.currency;
  return {
    id: record.id,
    status: record.status,
    customerId: record.customerId,
    ...(record.partnerId ? { partnerId: record.partnerId } : {}),
    lines: record.lines.map((line) => ({ ...line, lineTotal: money(line.unitPrice.amount * line.quantity, line.unitPrice.currency) })),
    total: money(record.total, c),
    paid: money(record.paidAmount, c),
    outstanding: money(record.outstanding, c),
    refunded: money(record.refundedAmount, c),
    refundable: money(record.refundable, c),
    ...(record.shipmentId ? { shipmentId: record.shipmentId } : {}),
    ...(record.cancelReason ? { cancelReason: record.cancelReason } : {}),
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    updatedBy: record.updatedBy,
  };
}

/** The history entry of a transition made in `ctx`. */
export function historyEvent(from: OrderStatus | null, to: OrderStatus, ctx: WriteContext, reason?: string): OrderHistoryRecord {
  return { from, to, actor: ctx.actor, at: ctx.at, ...(reason === undefined ? {} : { reason }) };
}

/** The order as read, checked against the caller's If-Match and the transition wanted. */
export async function readForTransition(id: string, to: OrderStatus, expectedVersion: number | undefined): Promise<OrderRecord> {
  const order = await findOrder(id);
  if (!order) throw notFound('Order');
  assertVersion('order', order.version, expectedVersion);
  assertTransition(order.status, to);
  return order;
}

/**
 * Why a transaction on an order read at `read.version` lost its order condition: gone, moved to a
 * state the command cannot start from (named), or changed otherwise (retry).
 */
export function explainOrderRace(error: TransactionCancelled, read: OrderRecord, to: OrderStatus): Error | undefined {
  if (!error.failed(ORDER_ACTION)) return undefined;
  const current = error.current(ORDER_ACTION);
  if (!current) return notFound('Order');
  if (!sourcesOf(to).includes(current.status as OrderStatus)) return illegalTransition(String(current.status), to);
  return conflict(`The order changed while this request ran (version ${String(current.version)}, not ${read.version}); read it again and retry`);
}

/** The order after a transition applied in `ctx` (what the transaction wrote). */
export function transitioned(order: OrderRecord, to: OrderStatus, ctx: WriteContext, set: Partial<OrderRecord> = {}): OrderRecord {
  return { ...order, ...set, status: to, version: order.version + 1, updatedAt: ctx.at, updatedBy: ctx.actor };
}

/** A condition on the order failed although the order, as returned, would allow the change. */
export const orderChangedMeanwhile = () => conflict('The order changed while this request ran; read it again and retry');

/**
 * Why a conditional move of the order to `to` failed, from the order DynamoDB returned: in the order
 * the read-first commands answer — gone (404), not at the caller's If-Match (412), in a state the move
 * cannot start from (409, named).
 */
export function explainRefusedMove(current: Record<string, unknown> | undefined, to: OrderStatus, expectedVersion: number | undefined): Error {
  if (!current) return notFound('Order');
  const stale = staleVersion('order', current.version, expectedVersion);
  if (stale) return stale;
  if (!sourcesOf(to).includes(current.status as OrderStatus)) return illegalTransition(String(current.status), to);
  return orderChangedMeanwhile();
}

