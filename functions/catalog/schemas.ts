import * as z from 'zod/mini';
import { Money } from '../shared/money';
import { Actor, Id, IncludeDeleted, Pagination, Timestamp, described } from '../shared/schemas';

export const PRODUCT_STATUSES = ['draft', 'active', 'archived'] as const;
export const ProductStatus = z.lazy(() => z.enum(PRODUCT_STATUSES));

const Sku = z.lazy(() =>
  z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'Letters, digits, dot, dash or underscore; at most 64 characters')),
);
const Name = z.lazy(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(200)));
const Description = z.lazy(() => z.string().check(z.maxLength(10_000)));

export const CreateProductBody = z.lazy(() =>
  z.strictObject({
    sku: Sku,
    name: Name,
    description: z.optional(Description),
    price: Money,
    status: z._default(ProductStatus, 'draft'),
  }),
);

export const UpdateProductBody = z.lazy(() =>
  z
    .strictObject({
      sku: z.optional(Sku),
      name: z.optional(Name),
      description: z.optional(z.nullable(Description)),
      price: z.optional(Money),
      status: z.optional(ProductStatus),
    })
    .check(z.refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change' })),
);

export const ListProductsQuery = z.lazy(() =>
  z.strictObject({
    status: z.optional(ProductStatus),
    includeDeleted: IncludeDeleted,
    ...Pagination,
  }),
);

export const PartnerListProductsQuery = z.lazy(() => z.strictObject({ ...Pagination }));

export const Stock = z.lazy(() => z.object({ onHand: z.int(), reserved: z.int(), available: z.int() }));

export const Product = z.lazy(() =>
  z
    .object({
      id: Id,
      sku: z.string(),
      name: z.string(),
      description: z.optional(z.string()),
      price: Money,
      status: ProductStatus,
      stock: Stock,
      version: z.int().check(z.minimum(1)),
      createdAt: Timestamp,
      updatedAt: Timestamp,
      updatedBy: Actor,
      deletedAt: z.optional(Timestamp),
      deletedBy: z.optional(Actor),
      pendingPriceChange: described(
        z.optional(z.object({ approvalId: Id, price: Money })),
        'A price change waiting for its approval; no other price change is accepted meanwhile',
      ),
    })
    .register(z.globalRegistry, { id: 'Product' }),
);

/** What partners see: sellable products, without internal bookkeeping. */
export const PartnerProduct = z.lazy(() =>
  z
    .object({ id: Id, sku: z.string(), name: z.string(), description: z.optional(z.string()), price: Money, available: z.int(), version: z.int() })
    .register(z.globalRegistry, { id: 'PartnerProduct' }),
);

export const StockAdjustmentBody = z.lazy(() =>
  z.strictObject({
    delta: described(
      z.int().check(
        z.minimum(-1_000_000),
        z.maximum(1_000_000),
        z.refine((delta) => delta !== 0, 'Must not be zero'),
      ),
      'Units added to (positive) or taken from (negative) the stock on hand',
    ),
    reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
  }),
);

export const ListStockAdjustmentsQuery = z.lazy(() => z.strictObject({ ...Pagination }));

export const StockAdjustment = z.lazy(() =>
  z
    .object({
      id: Id,
      productId: Id,
      delta: z.int(),
      reason: z.string(),
      stock: described(Stock, 'The stock right after this adjustment'),
      createdAt: Timestamp,
      createdBy: Actor,
    })
    .register(z.globalRegistry, { id: 'StockAdjustment' }),
);

export type Product = z.infer<typeof Product>;
export type PartnerProduct = z.infer<typeof PartnerProduct>;
export type ProductStatus = z.infer<typeof ProductStatus>;
export type StockAdjustment = z.infer<typeof StockAdjustment>;
export type CreateProductInput = z.infer<typeof CreateProductBody>;
export type UpdateProductInput = z.infer<typeof UpdateProductBody>;
