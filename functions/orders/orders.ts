import type { ProductRecord } from '../catalog/product-repository';
import { productAction, releaseStock, reserveStock } from '../catalog/stock-repository';
import { ConditionFailed } from '../shared/conditional';
import { decodeCursor, encodeCursor } from '../shared/cursor';
import { badRequest, conflict, HttpProblem, notFound, type FieldError } from '../shared/errors';
import { runIdempotent, type CommandResult, type IdempotentRequest } from '../shared/idempotency';
import { newId } from '../shared/ids';
import type { Money } from '../shared/money';
import { TransactionCancelled, transactWrite, type NamedAction } from '../shared/transaction-repository';
import type { WriteContext } from '../shared/write-context';
import { LINK_ACTION, liveCustomerCheck, partnerLinkCheck } from './customer-repository';
import { explainOrderRace, explainRefusedMove, historyEvent, readForTransition, toOrder, transitioned } from './order-state';
import { sourcesOf } from './lifecycle';
import {
  findOrder,
  orderPut,
  orderUpdate,
  queryOrders,
  queryPartnerOrders,
  updateOrder,
  type OrderLineRecord,
  type OrderList,
  type OrderRecord,
} from './order-repository';
import { productsForPricing } from './priced-products';
import type { CreateOrderInput, Order, OrderHistoryEntry, OrderStatus } from './schemas';

export { toOrder } from './order-state';

/** Order use cases: placing (staff or partner), reading, listing, and the lifecycle commands. */

// ---------------------------------------------------------------------------------------------
// Placing an order

const lineError = (index: number, field: string, message: string): FieldError => ({ path: `body.lines.${index}.${field}`, message });

/**
 * Prices the lines from the products given; refuses unknown, unsellable or mixed-currency products,
 * and (when the stock figures are fresh) quantities above what is available.
 */
function priceLines(
  input: CreateOrderInput,
  products: Map<string, ProductRecord>,
  checkStock: boolean,
): { lines: OrderLineRecord[]; currency: Money['currency']; total: number } {
  const unknown = input.lines.flatMap((line, i) => {
    const product = products.get(line.productId);
    return !product || product.deletedAt ? [lineError(i, 'productId', 'No such product')] : [];
  });
  if (unknown.length > 0) throw badRequest('Some products do not exist', unknown);
  const lines = input.lines.map((line) => {
    const product = products.get(line.productId)!;
    if (product.status !== 'active') throw conflict(`Product ${product.sku} is not for sale (it is ${product.status})`, 'product-unavailable');
    return { productId: product.id, sku: product.sku, name: product.name, quantity: line.quantity, unitPrice: product.price };
  });
  const currency = lines[0]!.unitPrice.currency;
  const mixed = lines.flatMap((line, i) => (line.unitPrice.currency === currency ? [] : [lineError(i, 'productId', `Priced in ${line.unitPrice.currency}, not ${currency}`)]));
  if (mixed.length > 0) throw badRequest('All lines of an order must be priced in one currency', mixed);
  for (const [i, line] of lines.entries()) {
    if (!checkStock) break;
    const product = products.get(line.productId)!;
    const available = product.available ?? product.onHand - product.reserved;
    if (available < line.quantity) throw insufficientStock(product.sku, available, line.quantity, i);
  }
  const total = lines.reduce((sum, line) => sum + line.unitPrice.amount * line.quantity, 0);
  if (!Number.isSafeInteger(total)) throw badRequest('The order total is too large');
  return { lines, currency, total };
}

const insufficientStock = (sku: string, available: number, wanted: number, index: number) =>
  new HttpProblem(409, 'Conflict', `Insufficient stock for product ${sku}: ${available} available, ${wanted} ordered`, 'insufficient-stock', {
    errors: [lineError(index, 'quantity', `Only ${available} available`)],
  });

/**
 * Explains a lost order transaction from the items DynamoDB compared against. `stale`: a product is no
 * longer what the order was priced from (gone, not for sale, another price or version), as opposed to
 * a lost stock or customer condition; an order priced from cached snapshots is then priced again.
 */
function explainPlacement(
  error: TransactionCancelled,
  lines: OrderLineRecord[],
  products: Map<string, ProductRecord>,
  origin: OrderOrigin,
): { problem: Error; stale: boolean } {
  // A partner learns nothing of customers it may not act for: unknown, deleted or another partner's
  // customer are one answer, as for any object a partner may not see.
  if (origin.partnerId !== undefined && (error.failed('customer') || error.failed(LINK_ACTION))) return { problem: notFound('Customer'), stale: false };
  if (error.failed('customer')) {
    return { problem: badRequest('The customer does not exist or was deleted', [{ path: 'body.customerId', message: 'No such customer' }]), stale: false };
  }
  for (const [i, line] of lines.entries()) {
    if (!error.failed(productAction(line.productId))) continue;
    const current = error.current(productAction(line.productId));
    if (!current || current.deletedAt) return { problem: badRequest('Some products do not exist', [lineError(i, 'productId', 'No such product')]), stale: true };
    if (current.status !== 'active') {
      return { problem: conflict(`Product ${line.sku} is not for sale (it is ${String(current.status)})`, 'product-unavailable'), stale: true };
    }
    const price = current.price as Money;
    if (price.amount !== line.unitPrice.amount || price.currency !== line.unitPrice.currency) {
      return { problem: conflict(`The price of product ${line.sku} changed while the order was placed; place it again`, 'price-changed'), stale: true };
    }
    if (current.version !== products.get(line.productId)?.version) {
      return { problem: conflict(`Product ${line.sku} changed while the order was placed; place it again`, 'product-changed'), stale: true };
    }
    return { problem: insufficientStock(line.sku, Number(current.available ?? 0), line.quantity, i), stale: false };
  }
  return { problem: error, stale: false };
}

export interface OrderOrigin {
  /**
   * Set when a partner places the order through the partner API: the customer must be one the
   * partner may act for (a live link, checked inside the order's transaction).
   */
  partnerId?: string;
}

/**
 * Places an order in ONE transaction: puts the order and its first history event, reserves stock on
 * every line (conditioned on the availability, the product being active and not deleted, and the
 * version of the product it was priced from), checks the customer (for a partner: also its link to the
 * customer; else 404 "Customer not found") and records the idempotency key.
 * The products come from this container's snapshots (no read) or, when it lacks one, from one
 * BatchGetItem; a snapshot that proves stale (the version condition lost, or it no longer prices) is
 * replaced by a fresh read and the order priced again, once. Insufficient stock → 409 naming the product.
 */
export async function placeOrder(
  input: CreateOrderInput,
  origin: OrderOrigin,
  idempotency: IdempotentRequest | undefined,
  ctx: WriteContext,
): Promise<CommandResult<Order>> {
  return runIdempotent<Order>(idempotency, ctx, async (record) => {
    for (let fresh = false; ; fresh = true) {
      const { products, fromCache } = await productsForPricing(
        input.lines.map((line) => line.productId),
        fresh,
      );
      let priced: ReturnType<typeof priceLines>;
      try {
        priced = priceLines(input, products, !fromCache);
      } catch (error) {
        if (fromCache) continue;
        throw error;
      }
      const { lines, currency, total } = priced;
      const order: OrderRecord = {
        id: newId(),
        status: 'pending_payment',
        customerId: input.customerId,
        ...(origin.partnerId ? { partnerId: origin.partnerId } : {}),
        lines,
        currency,
        total,
        paidAmount: 0,
        outstanding: total,
        refundedAmount: 0,
        refundable: 0,
        version: 1,
        createdAt: ctx.at,
        updatedAt: ctx.at,
        updatedBy: ctx.actor,
        history: [historyEvent(null, 'pending_payment', ctx)],
        requestId: ctx.requestId,
        sourceIp: ctx.sourceIp,
      };
      const response = { status: 201, body: toOrder(order) };
      try {
        await transactWrite([
          ...record(response),
          orderPut(order),
          ...lines.map((line) => reserveStock(line, ctx, products.get(line.productId)!.version)),
          liveCustomerCheck(input.customerId),
          ...(origin.partnerId === undefined ? [] : [partnerLinkCheck(input.customerId, origin.partnerId)]),
        ]);
        return response;
      } catch (error) {
        if (!(error instanceof TransactionCancelled)) throw error;
        const { problem, stale } = explainPlacement(error, lines, products, origin);
        if (fromCache && stale) continue;
        throw problem;
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Reading and listing

export async function getOrder(id: string, partnerId?: string): Promise<OrderRecord> {
  const order = await findOrder(id);
  // Another partner's order is "not found", as is any order to a partner that is not its own.
  if (!order || (partnerId !== undefined && order.partnerId !== partnerId)) throw notFound('Order');
  return order;
}

/** Normalizes `from`/`to` query values: a date covers its whole UTC day. */
export function timeBounds(from: string | undefined, to: string | undefined): { from?: string; to?: string } {
  const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value);
  const lower = from === undefined ? undefined : new Date(isDate(from) ? `${from}T00:00:00.000Z` : from).toISOString();
  const upper = to === undefined ? undefined : new Date(isDate(to) ? `${to}T23:59:59.999Z` : to).toISOString();
  if (lower !== undefined && upper !== undefined && lower > upper) {
    throw badRequest('from must not be after to', [{ path: 'query.from', message: 'After to' }]);
  }
  return { ...(lower === undefined ? {} : { from: lower }), ...(upper === undefined ? {} : { to: upper }) };
}

export interface ListOrdersInput {
  status?: OrderStatus;
  customerId?: string;
  partnerId?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

function listOf(input: ListOrdersInput): OrderList {
  const given = [input.status && 'status', input.customerId && 'customerId', input.partnerId && 'partnerId'].filter(Boolean);
  if (given.length !== 1) {
    throw badRequest('Filter by exactly one of status, customerId or partnerId', [
      { path: 'query', message: given.length === 0 ? 'Give status, customerId or partnerId' : `Give only one of ${given.join(', ')}` },
    ]);
  }
  if (input.status) return { by: 'status', status: input.status };
  if (input.customerId) return { by: 'customer', customerId: input.customerId };
  return { by: 'partner', partnerId: input.partnerId! };
}

/** Orders by status, customer or partner, newest first, optionally within a creation-time range: one Query. */
export async function listOrders(input: ListOrdersInput, cursorScope: string) {
  const list = listOf(input);
  const range = timeBounds(input.from, input.to);
  const binding = `${cursorScope}|${JSON.stringify(list)}|${range.from ?? ''}|${range.to ?? ''}`;
  const page = await queryOrders(list, range, input.limit, decodeCursor(input.cursor, binding));
  return { items: page.items.map(toOrder), nextCursor: encodeCursor(page.lastKey, binding) };
}

export interface PartnerOrdersInput {
  status?: OrderStatus;
  updatedSince?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

/**
 * The calling partner's orders: one Query. With `updatedSince`, those changed at or after it, oldest
 * change first (gsi4), the way to poll for changes; else newest created first within from/to (gsi3).
 * `status` filters either.
 */
export async function listPartnerOrders(partnerId: string, input: PartnerOrdersInput) {
  if (input.updatedSince !== undefined && (input.from !== undefined || input.to !== undefined)) {
    throw badRequest('updatedSince cannot be combined with from/to', [{ path: 'query.updatedSince', message: 'Not with from or to' }]);
  }
  const created = timeBounds(input.from, input.to);
  const list = { partnerId, ...(input.status ? { status: input.status } : {}), ...(input.updatedSince ? { updatedSince: input.updatedSince } : { created }) };
  const binding = `partner.orders|${JSON.stringify(list)}`;
  const page = await queryPartnerOrders(list, input.limit, decodeCursor(input.cursor, binding));
  return { items: page.items.map(toOrder), nextCursor: encodeCursor(page.lastKey, binding) };
}

/** Every transition of the order, oldest first: one GetItem (the history is embedded in the order). */
export async function getOrderHistory(id: string): Promise<{ items: OrderHistoryEntry[] }> {
  const order = await findOrder(id);
  if (!order) throw notFound('Order');
  const items = (order.history ?? []).map(({ from, to, actor, at, reason }) => ({ from, to, actor, at, ...(reason === undefined ? {} : { reason }) }));
  return { items };
}

// ---------------------------------------------------------------------------------------------
// Lifecycle commands

/**
 * A plain status move (fulfil, complete): ONE conditional UpdateItem and no read. Each of these
 * states has a single source state, so the history entry is known up front; the update appends it,
 * checks the source state and the caller's If-Match, and answers with the order after it. On a failed
 * condition the order DynamoDB returns says 404, 412 or 409.
 */
async function moveOrder(id: string, to: OrderStatus, expectedVersion: number | undefined, ctx: WriteContext): Promise<Order> {
  const [from, ...others] = sourcesOf(to);
  if (from === undefined || others.length > 0) throw new Error(`A move to ${to} must have exactly one source state`);
  try {
    const change = { status: to, fromStatuses: [from], expectedVersion, event: historyEvent(from, to, ctx) };
    return toOrder(await updateOrder(id, change, ctx));
  } catch (error) {
    if (error instanceof ConditionFailed) throw explainRefusedMove(error.current, to, expectedVersion);
    throw error;
  }
}

export const fulfilOrder = (id: string, expectedVersion: number | undefined, ctx: WriteContext) => moveOrder(id, 'fulfilling', expectedVersion, ctx);
export const completeOrder = (id: string, expectedVersion: number | undefined, ctx: WriteContext) => moveOrder(id, 'completed', expectedVersion, ctx);

/**
 * Cancels an order and gives its reserved stock back: read (the lines say what to release), then one
 * transaction — order update on the version read (with its history entry), one release per line.
 */
export async function cancelOrder(id: string, reason: string, expectedVersion: number | undefined, ctx: WriteContext): Promise<Order> {
  const order = await readForTransition(id, 'cancelled', expectedVersion);
  const actions: NamedAction[] = [
    orderUpdate(
      order.id,
      { status: 'cancelled', set: { cancelReason: reason }, fromStatuses: [order.status], expectedVersion: order.version, event: historyEvent(order.status, 'cancelled', ctx, reason) },
      ctx,
    ),
    ...order.lines.map((line) => releaseStock(line, ctx)),
  ];
  try {
    await transactWrite(actions);
  } catch (error) {
    if (error instanceof TransactionCancelled) throw explainOrderRace(error, order, 'cancelled') ?? error;
    throw error;
  }
  return toOrder(transitioned(order, 'cancelled', ctx, { cancelReason: reason }));
}
