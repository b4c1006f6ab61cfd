import { conflict } from '../shared/errors';
import type { OrderStatus } from './schemas';

/**
 * The order lifecycle (docs/architecture.md#modules):
 *
 *   pending_payment → paid → fulfilling → shipped → delivered → completed
 *          │           │  └──────────────↗ (a paid order may ship without a fulfilment step)
 *          └───────────┴──────┴→ cancelled   (from pending_payment, paid or fulfilling; releases stock)
 *
 * `paid` comes from payments, `shipped` from creating the shipment, `delivered` from a delivery
 * tracking event; `fulfilling`, `completed` and `cancelled` are commands on the order.
 */
export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending_payment: ['paid', 'cancelled'],
  paid: ['fulfilling', 'shipped', 'cancelled'],
  fulfilling: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: ['completed'],
  completed: [],
  cancelled: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The states an order may be in to move to `to`. */
export function sourcesOf(to: OrderStatus): OrderStatus[] {
  return (Object.keys(TRANSITIONS) as OrderStatus[]).filter((from) => canTransition(from, to));
}

/** How the move to each state reads in a message: "can be <participle>". */
const PARTICIPLES: Record<OrderStatus, string> = {
  pending_payment: 'reopened',
  paid: 'paid',
  fulfilling: 'fulfilled',
  shipped: 'shipped',
  delivered: 'delivered',
  completed: 'completed',
  cancelled: 'cancelled',
};

/** 409 naming the state the order is in and the states the command needs. */
export function illegalTransition(current: string, to: OrderStatus) {
  const allowed = sourcesOf(to).join(' or ');
  return conflict(`The order is ${current}: only an order that is ${allowed} can be ${PARTICIPLES[to]}`, 'illegal-transition');
}

export function assertTransition(current: OrderStatus, to: OrderStatus): void {
  if (!canTransition(current, to)) throw illegalTransition(current, to);
}
