import * as z from 'zod';
import { Money } from '../shared/money';
import { Actor, Id, IncludeDeleted, Pagination, Timestamp } from '../shared/schemas';

export const PRODUCT_STATUSES = ['draft', 'active', 'archived'] as const;
export const ProductStatus = z.lazy(() => z.enum(PRODUCT_STATUSES));

const Sku = z.lazy(() =>
  z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'Letters, digits, dot, dash or underscore; at most 64 characters'),
);
const Name = z.lazy(() => z.string().trim().min(1).max(200));
const Description = z.lazy(() => z.string().max(10_000));

export const CreateProductBody = z.lazy(() =>
  z.strictObject({
    sku: Sku,
    name: Name,
    description: Description.optional(),
    price: Money,
    status: ProductStatus.default('draft'),
  }),
);

export const UpdateProductBody = z.lazy(() =>
  z
    .strictObject({
      sku: Sku.optional(),
      name: Name.optional(),
      description: Description.nullable().optional(),
      price: Money.optional(),
      status: ProductStatus.optional(),
    })
    .refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change' }),
);

export const ListProductsQuery = z.lazy(() =>
  z.strictObject({
    status: ProductStatus.optional(),
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
      description: z.string().optional(),
      price: Money,
      status: ProductStatus,
      stock: Stock,
      version: z.int().min(1),
      createdAt: Timestamp,
      updatedAt: Timestamp,
      updatedBy: Actor,
      deletedAt: Timestamp.optional(),
      deletedBy: Actor.optional(),
      pendingPriceChange: z
        .object({ approvalId: Id, price: Money })
        .optional()
        .describe('A price change waiting for its approval; no other price change is accepted meanwhile'),
    })
    .meta({ id: 'Product' }),
);

/** What partners see: sellable products, without internal bookkeeping. */
export const PartnerProduct = z.lazy(() =>
  z
    .object({ id: Id, sku: z.string(), name: z.string(), description: z.string().optional(), price: Money, available: z.int() })
    .meta({ id: 'PartnerProduct' }),
);

export const StockAdjustmentBody = z.lazy(() =>
  z.strictObject({
    delta: z
      .int()
      .min(-1_000_000)
      .max(1_000_000)
      .refine((delta) => delta !== 0, 'Must not be zero')
      .describe('Units added to (positive) or taken from (negative) the stock on hand'),
    reason: z.string().trim().min(1).max(500),
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
      stock: Stock.describe('The stock right after this adjustment'),
      createdAt: Timestamp,
      createdBy: Actor,
    })
    .meta({ id: 'StockAdjustment' }),
);

export type Product = z.infer<typeof Product>;
export type ProductStatus = z.infer<typeof ProductStatus>;
export type StockAdjustment = z.infer<typeof StockAdjustment>;
export type CreateProductInput = z.infer<typeof CreateProductBody>;
export type UpdateProductInput = z.infer<typeof UpdateProductBody>;
