import * as z from 'zod';
import { Money } from '../shared/money';
import { Actor, Id, IncludeDeleted, Pagination, Timestamp } from '../shared/schemas';

// ---------------------------------------------------------------------------------------------
// Customers

const Name = z.lazy(() => z.string().trim().min(1).max(200));
const Email = z.lazy(() => z.email().max(254));
const Phone = z.lazy(() =>
  z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 ()./-]{3,31}$/, 'Digits, spaces and ( ) . / - with an optional leading +; 4 to 32 characters'),
);

export const CreateCustomerBody = z.lazy(() => z.strictObject({ name: Name, email: Email, phone: Phone.optional() }));

export const UpdateCustomerBody = z.lazy(() =>
  z
    .strictObject({ name: Name.optional(), email: Email.optional(), phone: Phone.nullable().optional() })
    .refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change' }),
);

export const ListCustomersQuery = z.lazy(() => z.strictObject({ includeDeleted: IncludeDeleted, ...Pagination }));

export const Customer = z.lazy(() =>
  z
    .object({
      id: Id,
      name: z.string(),
      email: z.string().describe('Masked (j***@example.com) unless the caller holds customers:read_pii'),
      phone: z.string().optional().describe('Masked except its last two digits unless the caller holds customers:read_pii'),
      version: z.int().min(1),
      createdAt: Timestamp,
      updatedAt: Timestamp,
      updatedBy: Actor,
      deletedAt: Timestamp.optional(),
      deletedBy: Actor.optional(),
    })
    .meta({ id: 'Customer' }),
);

// ---------------------------------------------------------------------------------------------
// Orders

export const ORDER_STATUSES = ['pending_payment', 'paid', 'fulfilling', 'shipped', 'delivered', 'completed', 'cancelled'] as const;
export const OrderStatus = z.lazy(() => z.enum(ORDER_STATUSES));

/**
 * Lines per order. One TransactWriteItems holds at most 100 actions; creating an order also puts the
 * order, its first history event, checks the customer and records the idempotency key (4 actions),
 * and reserves stock with one action per line.
 */
export const MAX_ORDER_LINES = 96;

const OrderLineInput = z.lazy(() => z.strictObject({ productId: Id, quantity: z.int().min(1).max(100_000) }));

export const CreateOrderBody = z.lazy(() =>
  z.strictObject({
    customerId: Id,
    lines: z
      .array(OrderLineInput)
      .min(1)
      .max(MAX_ORDER_LINES)
      .refine((lines) => new Set(lines.map((line) => line.productId)).size === lines.length, 'List each product once'),
  }),
);

export const OrderLine = z.lazy(() =>
  z.object({
    productId: Id,
    sku: z.string(),
    name: z.string(),
    quantity: z.int().min(1),
    unitPrice: Money,
    lineTotal: Money,
  }),
);

export const Order = z
  .object({
    id: Id,
    status: OrderStatus,
    customerId: Id,
    partnerId: Id.optional(),
    lines: z.array(OrderLine),
    total: Money,
    paid: Money,
    outstanding: Money.describe('total − paid'),
    refunded: Money,
    refundable: Money.describe('paid − refunded'),
    shipmentId: Id.optional(),
    cancelReason: z.string().optional(),
    version: z.int().min(1),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    updatedBy: Actor,
  })
  .meta({ id: 'Order' });

/** What a partner sees of its own orders: no internal actor ids. */
export const PartnerOrder = Order.omit({ updatedBy: true }).meta({ id: 'PartnerOrder' });

/** `YYYY-MM-DD` (a whole UTC day) or an ISO 8601 UTC timestamp. */
const TimeBound = z.lazy(() => z.union([z.iso.datetime(), z.iso.date()]));
const CreatedRange = {
  from: TimeBound.optional().describe('Created at or after (a date means from its start, UTC)'),
  to: TimeBound.optional().describe('Created at or before (a date means until its end, UTC)'),
};

export const ListOrdersQuery = z.lazy(() =>
  z.strictObject({
    status: OrderStatus.optional(),
    customerId: Id.optional(),
    partnerId: Id.optional(),
    ...CreatedRange,
    ...Pagination,
  }),
);

export const OwnedOrdersQuery = z.lazy(() => z.strictObject({ ...CreatedRange, ...Pagination }));

export const CancelOrderBody = z.lazy(() => z.strictObject({ reason: z.string().trim().min(1).max(500) }));

export const OrderHistoryEntry = z.lazy(() =>
  z.object({
    from: OrderStatus.nullable().describe('null for the creation of the order'),
    to: OrderStatus,
    actor: Actor,
    at: Timestamp,
    reason: z.string().optional(),
  }),
);

export const OrderHistory = z.lazy(() => z.object({ items: z.array(OrderHistoryEntry) }).meta({ id: 'OrderHistory' }));

export type Customer = z.infer<typeof Customer>;
export type Order = z.infer<typeof Order>;
export type OrderStatus = z.infer<typeof OrderStatus>;
export type OrderHistoryEntry = z.infer<typeof OrderHistoryEntry>;
export type CreateOrderInput = z.infer<typeof CreateOrderBody>;
