import * as z from 'zod/mini';
import { Money } from '../shared/money';
import { Actor, Id, IncludeDeleted, Pagination, Timestamp, described } from '../shared/schemas';

// ---------------------------------------------------------------------------------------------
// Customers

const Name = z.lazy(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(200)));
const Email = z.lazy(() => z.email().check(z.maxLength(254)));
const Phone = z.lazy(() =>
  z
    .string()
    .check(z.trim(), z.regex(/^\+?[0-9][0-9 ()./-]{3,31}$/, 'Digits, spaces and ( ) . / - with an optional leading +; 4 to 32 characters')),
);

export const CreateCustomerBody = z.lazy(() => z.strictObject({ name: Name, email: Email, phone: z.optional(Phone) }));

export const UpdateCustomerBody = z.lazy(() =>
  z
    .strictObject({ name: z.optional(Name), email: z.optional(Email), phone: z.optional(z.nullable(Phone)) })
    .check(z.refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change' })),
);

export const ListCustomersQuery = z.lazy(() => z.strictObject({ includeDeleted: IncludeDeleted, ...Pagination }));

export const Customer = z.lazy(() =>
  z
    .object({
      id: Id,
      name: z.string(),
      email: described(z.string(), 'Masked (j***@example.com) unless the caller holds customers:read_pii'),
      phone: described(z.optional(z.string()), 'Masked except its last two digits unless the caller holds customers:read_pii'),
      version: z.int().check(z.minimum(1)),
      createdAt: Timestamp,
      updatedAt: Timestamp,
      updatedBy: Actor,
      deletedAt: z.optional(Timestamp),
      deletedBy: z.optional(Actor),
    })
    .register(z.globalRegistry, { id: 'Customer' }),
);

/** What a partner sees of a customer it may act for: personal data masked, no internal actor ids. */
export const PartnerCustomer = z.lazy(() =>
  z
    .object({
      id: Id,
      name: z.string(),
      email: described(z.string(), 'Masked (j***@example.com)'),
      phone: described(z.optional(z.string()), 'Masked except its last two digits'),
      createdAt: Timestamp,
      updatedAt: Timestamp,
    })
    .register(z.globalRegistry, { id: 'PartnerCustomer' }),
);

export const CustomerPartnerParams = z.lazy(() => z.strictObject({ id: Id, partnerId: Id }));

/** A partner may place orders for the customer while this link exists. */
export const CustomerPartnerLink = z.lazy(() =>
  z
    .object({
      customerId: Id,
      partnerId: Id,
      origin: described(z.enum(['created', 'linked']), 'created: the partner created the customer through the partner API; linked: staff linked them'),
      createdAt: Timestamp,
      createdBy: Actor,
    })
    .register(z.globalRegistry, { id: 'CustomerPartnerLink' }),
);

// ---------------------------------------------------------------------------------------------
// Orders

export const ORDER_STATUSES = ['pending_payment', 'paid', 'fulfilling', 'shipped', 'delivered', 'completed', 'cancelled'] as const;
export const OrderStatus = z.lazy(() => z.enum(ORDER_STATUSES));

/**
 * Lines per order. One TransactWriteItems holds at most 100 actions; creating an order also puts the
 * order (its first history entry embedded), checks the customer, for a partner its link to the
 * customer, and records the idempotency key (4 actions), and reserves stock with one action per line.
 */
export const MAX_ORDER_LINES = 96;

const OrderLineInput = z.lazy(() => z.strictObject({ productId: Id, quantity: z.int().check(z.minimum(1), z.maximum(100_000)) }));

export const CreateOrderBody = z.lazy(() =>
  z.strictObject({
    customerId: Id,
    lines: z.array(OrderLineInput).check(
      z.minLength(1),
      z.maxLength(MAX_ORDER_LINES),
      z.refine((lines) => new Set(lines.map((line) => line.productId)).size === lines.length, 'List each product once'),
    ),
  }),
);

export const OrderLine = z.lazy(() =>
  z.object({
    productId: Id,
    sku: z.string(),
    name: z.string(),
    quantity: z.int().check(z.minimum(1)),
    unitPrice: Money,
    lineTotal: Money,
  }),
);

export const Order = z
  .object({
    id: Id,
    status: OrderStatus,
    customerId: Id,
    partnerId: z.optional(Id),
    lines: z.array(OrderLine),
    total: Money,
    paid: Money,
    outstanding: described(Money, 'total − paid'),
    refunded: Money,
    refundable: described(Money, 'paid − refunded'),
    shipmentId: z.optional(Id),
    cancelReason: z.optional(z.string()),
    version: z.int().check(z.minimum(1)),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    updatedBy: Actor,
  })
  .register(z.globalRegistry, { id: 'Order' });

/** What a partner sees of its own orders: no internal actor ids. */
export const PartnerOrder = z.omit(Order, { updatedBy: true }).register(z.globalRegistry, { id: 'PartnerOrder' });

/** `YYYY-MM-DD` (a whole UTC day) or an ISO 8601 UTC timestamp. */
const TimeBound = z.lazy(() => z.union([z.iso.datetime(), z.iso.date()]));
const CreatedRange = {
  from: described(z.optional(TimeBound), 'Created at or after (a date means from its start, UTC)'),
  to: described(z.optional(TimeBound), 'Created at or before (a date means until its end, UTC)'),
};

export const ListOrdersQuery = z.lazy(() =>
  z.strictObject({
    status: z.optional(OrderStatus),
    customerId: z.optional(Id),
    partnerId: z.optional(Id),
    ...CreatedRange,
    ...Pagination,
  }),
);

export const OwnedOrdersQuery = z.lazy(() => z.strictObject({ ...CreatedRange, ...Pagination }));

/** ISO 8601 with `Z` or an offset, normalized to UTC (milliseconds, as the orders' `updatedAt`). */
const UpdatedSince = z.lazy(() => z.pipe(z.iso.datetime({ offset: true }), z.transform((value) => new Date(value).toISOString())));

export const PartnerOrdersQuery = z.lazy(() =>
  z.strictObject({
    status: described(z.optional(OrderStatus), 'Only orders in this status now'),
    updatedSince: described(
      z.optional(UpdatedSince),
      'Orders changed at or after this time (inclusive), oldest change first; not with from/to. Poll with the updatedAt of the last order seen, following nextCursor',
    ),
    ...CreatedRange,
    ...Pagination,
  }),
);

export const CancelOrderBody = z.lazy(() => z.strictObject({ reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)) }));

export const OrderHistoryEntry = z.lazy(() =>
  z.object({
    from: described(z.nullable(OrderStatus), 'null for the creation of the order'),
    to: OrderStatus,
    actor: Actor,
    at: Timestamp,
    reason: z.optional(z.string()),
  }),
);

export const OrderHistory = z.lazy(() =>
  z.object({ items: z.array(OrderHistoryEntry) }).register(z.globalRegistry, { id: 'OrderHistory' }),
);

export type Customer = z.infer<typeof Customer>;
export type PartnerCustomer = z.infer<typeof PartnerCustomer>;
export type CustomerPartnerLink = z.infer<typeof CustomerPartnerLink>;
export type Order = z.infer<typeof Order>;
export type OrderStatus = z.infer<typeof OrderStatus>;
export type OrderHistoryEntry = z.infer<typeof OrderHistoryEntry>;
export type CreateOrderInput = z.infer<typeof CreateOrderBody>;
