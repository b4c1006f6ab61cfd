import { tableName } from '../shared/db';
import { getRecord, queryPage, updateRecord } from '../shared/item-repository';
import { GSI1, GSI2, GSI3, GSI4, orderKeys } from '../shared/keys';
import type { Money } from '../shared/money';
import type { NamedAction } from '../shared/transaction-repository';
import { buildUpdate } from '../shared/update-expression';
import { stampOf, type WriteContext } from '../shared/write-context';
import type { OrderStatus } from './schemas';

/**
 * An order is ONE item with its lines embedded (lines never change after creation, at most 96), so
 * one GetItem reads the whole order. Money is stored as flat integers in the order's currency —
 * `total`, `paidAmount`, `outstanding` (= total − paid), `refundedAmount`, `refundable`
 * (= paid − refunded) — so conditions such as `refundable >= :amount` need no arithmetic.
 * Its history (a handful of transitions, at most one per state) is embedded too and appended by the
 * same update that moves the status, so a transition needs no second item and one UpdateItem can
 * both make it and answer with the order. Payments and refunds are items in the order's partition.
 */
export interface OrderLineRecord {
  productId: string;
  sku: string;
  name: string;
  quantity: number;
  unitPrice: Money;
}

export interface OrderRecord {
  id: string;
  status: OrderStatus;
  customerId: string;
  partnerId?: string;
  lines: OrderLineRecord[];
  currency: Money['currency'];
  total: number;
  paidAmount: number;
  outstanding: number;
  refundedAmount: number;
  refundable: number;
  shipmentId?: string;
  cancelReason?: string;
  /** Every transition, oldest first (missing only on items written before history was embedded). */
  history?: OrderHistoryRecord[];
  version: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  requestId?: string;
  sourceIp?: string;
}

/** One transition of the order's status, with who made it and when. */
export interface OrderHistoryRecord {
  from: OrderStatus | null;
  to: OrderStatus;
  actor: string;
  at: string;
  reason?: string;
}

/** Name of the order's action in a transaction. */
export const ORDER_ACTION = 'order';

export function findOrder(id: string): Promise<OrderRecord | undefined> {
  return getRecord<OrderRecord>(orderKeys.byId(id));
}

export function orderPut(order: OrderRecord): NamedAction {
  return {
    name: ORDER_ACTION,
    action: {
      Put: {
        TableName: tableName(),
        Item: {
          ...orderKeys.byId(order.id),
          ...orderKeys.byStatus(order.status, order.createdAt, order.id),
          ...orderKeys.byCustomer(order.customerId, order.createdAt, order.id),
          ...(order.partnerId
            ? { ...orderKeys.byPartner(order.partnerId, order.createdAt, order.id), ...orderKeys.byPartnerUpdated(order.partnerId, order.updatedAt, order.id) }
            : {}),
          entityType: 'order',
          ...order,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

export interface OrderChange {
  /** New status (moves the order to that status list too). */
  status?: OrderStatus;
  set?: Record<string, unknown>;
  /** Counters to move (negative to decrease). */
  increment?: Record<string, number>;
  /** Only from these states. */
  fromStatuses?: readonly OrderStatus[];
  /** Only at this version (the one read, or the caller's If-Match). */
  expectedVersion?: number;
  /** Further condition, with its own `#names` and `:values`. */
  condition?: { expression: string; names?: Record<string, string>; values: Record<string, unknown> };
  /** The history entry of a status move, appended in the same update. */
  event?: OrderHistoryRecord;
}

/**
 * The update expression and condition of an order change: stamped, version bumped, history appended,
 * and its place in its partner's by-update-time list (gsi4) moved to now. Every write of an existing
 * order comes through here, so that list cannot miss a change.
 */
function orderChangeParts(orderId: string, change: OrderChange, ctx: WriteContext) {
  const set: Record<string, unknown> = { ...stampOf(ctx), ...orderKeys.updatedSortKey(ctx.at, orderId), ...change.set };
  if (change.status) {
    set.status = change.status;
    set.gsi1pk = orderKeys.byStatusPartition(change.status);
  }
  const append: Record<string, unknown[]> = change.event ? { history: [change.event] } : {};
  const update = buildUpdate({ set, increment: { version: 1, ...change.increment }, append });
  const conditions = ['attribute_exists(pk)'];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (change.fromStatuses) {
    names['#currentStatus'] = 'status';
    change.fromStatuses.forEach((status, i) => (values[`:from${i}`] = status));
    conditions.push(`#currentStatus IN (${change.fromStatuses.map((_, i) => `:from${i}`).join(', ')})`);
  }
  if (change.expectedVersion !== undefined) {
    names['#currentVersion'] = 'version';
    values[':expectedVersion'] = change.expectedVersion;
    conditions.push('#currentVersion = :expectedVersion');
  }
  if (change.condition) {
    conditions.push(change.condition.expression);
    Object.assign(names, change.condition.names);
    Object.assign(values, change.condition.values);
  }
  return {
    UpdateExpression: update.UpdateExpression,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: { ...update.ExpressionAttributeNames, ...names },
    ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...values },
  };
}

/**
 * A conditional update of the order for a transaction: on a lost condition DynamoDB returns the order
 * as it saw it (ALL_OLD), so the caller can name the state it is in.
 */
export function orderUpdate(orderId: string, change: OrderChange, ctx: WriteContext): NamedAction {
  return {
    name: ORDER_ACTION,
    action: {
      Update: {
        TableName: tableName(),
        Key: orderKeys.byId(orderId),
        ...orderChangeParts(orderId, change, ctx),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
  };
}

/**
 * The same change as one UpdateItem, for a transition that writes nothing but the order: answers with
 * the order after it, or throws ConditionFailed carrying the order as DynamoDB saw it (none: absent).
 */
export function updateOrder(orderId: string, change: OrderChange, ctx: WriteContext): Promise<OrderRecord> {
  const { ConditionExpression, ...update } = orderChangeParts(orderId, change, ctx);
  return updateRecord<OrderRecord>(orderKeys.byId(orderId), update, ConditionExpression);
}

export type OrderList = { by: 'status'; status: OrderStatus } | { by: 'customer'; customerId: string } | { by: 'partner'; partnerId: string };

/** One Query on the list's index, newest first, within the creation-time range. */
export function queryOrders(list: OrderList, range: { from?: string; to?: string }, limit: number, startKey?: Record<string, unknown>) {
  const bounded = range.from !== undefined || range.to !== undefined;
  switch (list.by) {
    case 'status':
      return queryPage<OrderRecord>({
        index: GSI1,
        partition: orderKeys.byStatusPartition(list.status),
        ...(bounded ? { sortRange: orderKeys.byStatusRange(range.from, range.to) } : {}),
        limit,
        startKey,
      });
    case 'customer':
      return queryPage<OrderRecord>({
        index: GSI2,
        partition: orderKeys.byCustomerPartition(list.customerId),
        sortRange: orderKeys.ownedRange(range.from, range.to),
        limit,
        startKey,
      });
    case 'partner':
      return queryPage<OrderRecord>({
        index: GSI3,
        partition: orderKeys.byPartnerPartition(list.partnerId),
        sortRange: orderKeys.ownedRange(range.from, range.to),
        limit,
        startKey,
      });
  }
}

/** A partner's orders, as the partner API lists them. */
export interface PartnerOrderList {
  partnerId: string;
  /** Only orders in this status (a filter on the Query: pages may be short, none is skipped). */
  status?: OrderStatus;
  /** Orders changed at or after this time, oldest change first (gsi4); else newest created first (gsi3). */
  updatedSince?: string;
  /** Creation-time range (gsi3 only). */
  created?: { from?: string; to?: string };
}

/** One Query: by update time on gsi4 (from `updatedSince`, ascending) or by creation on gsi3 (newest first). */
export function queryPartnerOrders(list: PartnerOrderList, limit: number, startKey?: Record<string, unknown>) {
  const filter = list.status === undefined ? {} : { filter: { expression: '#status = :status', names: { '#status': 'status' }, values: { ':status': list.status } } };
  if (list.updatedSince !== undefined) {
    return queryPage<OrderRecord>({
      index: GSI4,
      partition: orderKeys.byPartnerUpdatedPartition(list.partnerId),
      sortRange: orderKeys.updatedSinceRange(list.updatedSince),
      descending: false,
      ...filter,
      limit,
      startKey,
    });
  }
  return queryPage<OrderRecord>({
    index: GSI3,
    partition: orderKeys.byPartnerPartition(list.partnerId),
    sortRange: orderKeys.ownedRange(list.created?.from, list.created?.to),
    ...filter,
    limit,
    startKey,
  });
}
