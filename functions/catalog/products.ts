import { ConditionFailed, UniqueValueTaken } from '../shared/conditional';
import { decodeCursor, encodeCursor } from '../shared/cursor';
import { assertVersion, conflict, notFound, staleVersion } from '../shared/errors';
import { newId } from '../shared/ids';
import type { WriteContext } from '../shared/write-context';
import {
  findProduct,
  insertProduct,
  markProductDeleted,
  markProductRestored,
  queryProducts,
  updateProduct as updateProductItem,
  updateProductWithSku,
  type ProductRecord,
} from './product-repository';
import type { CreateProductInput, PartnerProduct, Product, ProductStatus, UpdateProductInput } from './schemas';

/** Catalog use cases: the rules live here; the handler only wires HTTP, the repository only talks to DynamoDB. */

export function toProduct(record: ProductRecord): Product {
  const { onHand, reserved, available, requestId: _r, sourceIp: _s, ...rest } = record;
  return { ...rest, stock: { onHand, reserved, available: available ?? onHand - reserved } };
}

/** What partners see of a product (the partner product list and the catalog events): no staff fields. */
export function toPartnerProduct(product: Product): PartnerProduct {
  const { id, sku, name, description, price, stock, version } = product;
  return { id, sku, name, ...(description === undefined ? {} : { description }), price, available: stock.available, version };
}

const duplicateSku = (sku: string) => conflict(`A product with SKU ${sku} already exists`, 'duplicate-sku');

/**
 * Explains why a conditional write lost, from the item DynamoDB compared against:
 * gone or deleted → 404, another version → 412 (the caller's If-Match is stale).
 */
function explain(failure: ConditionFailed, expectedVersion: number | undefined, expectDeleted = false): Error {
  const current = failure.current;
  if (!current) return notFound('Product');
  if (expectDeleted ? !current.deletedAt : current.deletedAt) {
    return expectDeleted ? conflict('The product is not deleted', 'not-deleted') : notFound('Product');
  }
  const stale = staleVersion('product', current.version, expectedVersion);
  if (stale) return stale;
  return conflict('The product changed while this request ran; read it again and retry');
}

export async function createProduct(input: CreateProductInput, ctx: WriteContext): Promise<Product> {
  const record: ProductRecord = {
    id: newId(),
    sku: input.sku,
    name: input.name,
    ...(input.description === undefined ? {} : { description: input.description }),
    price: input.price,
    status: input.status,
    onHand: 0,
    reserved: 0,
    available: 0,
    version: 1,
    createdAt: ctx.at,
    updatedAt: ctx.at,
    updatedBy: ctx.actor,
    requestId: ctx.requestId,
    sourceIp: ctx.sourceIp,
  };
  try {
    await insertProduct(record, ctx);
  } catch (error) {
    if (error instanceof UniqueValueTaken) throw duplicateSku(input.sku);
    throw error;
  }
  return toProduct(record);
}

export async function getProduct(id: string): Promise<Product> {
  const record = await findProduct(id);
  if (!record || record.deletedAt) throw notFound('Product');
  return toProduct(record);
}

export interface ListProductsInput {
  status?: ProductStatus;
  includeDeleted: boolean;
  limit: number;
  cursor?: string;
}

export async function listProducts(input: ListProductsInput, cursorScope: string) {
  const binding = `${cursorScope}|${input.status ?? '*'}|${input.includeDeleted}`;
  const page = await queryProducts({
    status: input.status,
    includeDeleted: input.includeDeleted,
    limit: input.limit,
    startKey: decodeCursor(input.cursor, binding),
  });
  return { items: page.items, nextCursor: encodeCursor(page.lastKey, binding) };
}

export async function updateProduct(
  id: string,
  input: UpdateProductInput,
  expectedVersion: number | undefined,
  ctx: WriteContext,
): Promise<Product> {
  const { sku, ...changes } = input;
  try {
    if (sku === undefined) return toProduct(await updateProductItem(id, changes, expectedVersion, ctx));
    // A SKU change needs the current SKU to release it: read, then one transaction on that version.
    const current = await findProduct(id);
    if (!current || current.deletedAt) throw notFound('Product');
    assertVersion('product', current.version, expectedVersion);
    if (current.sku === sku) return toProduct(await updateProductItem(id, changes, current.version, ctx));
    return toProduct(await updateProductWithSku(current, sku, changes, ctx));
  } catch (error) {
    if (error instanceof UniqueValueTaken) throw duplicateSku(sku!);
    if (error instanceof ConditionFailed) throw explain(error, expectedVersion);
    throw error;
  }
}

export async function deleteProduct(id: string, expectedVersion: number | undefined, ctx: WriteContext): Promise<void> {
  try {
    await markProductDeleted(id, expectedVersion, ctx);
  } catch (error) {
    if (error instanceof ConditionFailed) throw explain(error, expectedVersion);
    throw error;
  }
}

export async function restoreProduct(id: string, expectedVersion: number | undefined, ctx: WriteContext): Promise<Product> {
  try {
    return toProduct(await markProductRestored(id, expectedVersion, ctx));
  } catch (error) {
    if (error instanceof ConditionFailed) throw explain(error, expectedVersion, true);
    throw error;
  }
}
