import type { Schemas } from '../../api/client';

export type Order = Schemas['Order'];
export type OrderStatus = Order['status'];

export const ORDER_STATUSES: OrderStatus[] = ['pending_payment', 'paid', 'fulfilling', 'shipped', 'delivered', 'completed', 'cancelled'];
export const STATUS_CHOICES = ORDER_STATUSES.map((id) => ({ id, name: `resources.orders.status.${id}` }));

/**
 * The states each command starts from (the API's lifecycle in functions/orders/lifecycle.ts and
 * the payment rule in functions/finance/payments.ts): a button is offered only where the API
 * would accept it. Refunds depend on the amount still refundable, not on the state.
 */
export const COMMAND_SOURCES = {
  pay: ['pending_payment'],
  fulfil: ['paid'],
  ship: ['paid', 'fulfilling'],
  complete: ['delivered'],
  cancel: ['pending_payment', 'paid', 'fulfilling'],
} as const satisfies Record<string, readonly OrderStatus[]>;

export const allowsCommand = (order: Order | undefined, command: keyof typeof COMMAND_SOURCES): boolean =>
  order !== undefined && (COMMAND_SOURCES[command] as readonly OrderStatus[]).includes(order.status);
