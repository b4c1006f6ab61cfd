import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { handler as catalogHandler } from '../../functions/catalog/handler';
import { catalogRoutes } from '../../functions/catalog/routes';
import { handler as financeHandler } from '../../functions/finance/handler';
import { financeRoutes } from '../../functions/finance/routes';
import { handler as logisticsHandler } from '../../functions/logistics/handler';
import { logisticsRoutes } from '../../functions/logistics/routes';
import { handler as ordersHandler } from '../../functions/orders/handler';
import { ordersRoutes } from '../../functions/orders/routes';
import type { RouteSpec } from '../../functions/shared/http/route';
import { newId } from '../../functions/shared/ids';
import { adminEvent, lambdaContext, parse, partnerEvent, type ParsedResponse } from './lambda-events';

/**
 * Calls the commerce modules' handlers the way API Gateway would (admin: JWT claims; partner: the key
 * authorizer's context), by operationId, for integration tests.
 */
type Handler = (event: never, context: Context) => Promise<APIGatewayProxyResult>;

const MODULES: Array<[readonly RouteSpec[], Handler]> = [
  [catalogRoutes, catalogHandler as Handler],
  [ordersRoutes, ordersHandler as Handler],
  [financeRoutes, financeHandler as Handler],
  [logisticsRoutes, logisticsHandler as Handler],
];

function find(operationId: string): [RouteSpec, Handler] {
  for (const [routes, handler] of MODULES) {
    const route = routes.find((r) => r.operationId === operationId);
    if (route) return [route, handler];
  }
  throw new Error(`No route ${operationId}`);
}

export type CallOptions = Omit<NonNullable<Parameters<typeof adminEvent>[1]>, 'staffId'>;

/** An admin API call as the given staff member. */
export async function asStaff(staffId: string, operationId: string, options: CallOptions = {}): Promise<ParsedResponse> {
  const [route, handler] = find(operationId);
  return parse(await handler(adminEvent(route, { staffId, ...options }) as never, lambdaContext()));
}

/** A partner API call as the given partner. */
export async function asPartner(
  partnerId: string,
  operationId: string,
  options: Omit<Parameters<typeof partnerEvent>[1], 'partnerId'> = {},
): Promise<ParsedResponse> {
  const [route, handler] = find(operationId);
  return parse(await handler(partnerEvent(route, { partnerId, ...options }) as never, lambdaContext()));
}

export const eur = (amount: number) => ({ amount, currency: 'EUR' as const });

/** Creates an active product with `stock` units on hand (through the routes) and returns its id. */
export async function productWithStock(admin: string, stock: number, price = eur(1_000)): Promise<string> {
  const created = await asStaff(admin, 'createProduct', { body: { sku: `C-${newId()}`, name: 'Commerce test item', price, status: 'active' } });
  if (created.status !== 201) throw new Error(`createProduct: ${created.status} ${JSON.stringify(created.body)}`);
  if (stock > 0) {
    const adjusted = await asStaff(admin, 'adjustStock', { params: { id: created.body.id }, body: { delta: stock, reason: 'Goods received' } });
    if (adjusted.status !== 201) throw new Error(`adjustStock: ${adjusted.status} ${JSON.stringify(adjusted.body)}`);
  }
  return created.body.id as string;
}

export async function customer(admin: string): Promise<string> {
  const created = await asStaff(admin, 'createCustomer', { body: { name: 'Test Customer', email: `${newId().toLowerCase()}@example.com` } });
  if (created.status !== 201) throw new Error(`createCustomer: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id as string;
}

/** A customer created by the partner through the partner API (so the partner may order for them). */
export async function partnerCustomer(partnerId: string): Promise<string> {
  const created = await asPartner(partnerId, 'partnerCreateCustomer', {
    body: { name: 'Partner Customer', email: `${newId().toLowerCase()}@example.com` },
    headers: { 'Idempotency-Key': newId() },
  });
  if (created.status !== 201) throw new Error(`partnerCreateCustomer: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id as string;
}

export async function stockOf(admin: string, productId: string): Promise<{ onHand: number; reserved: number; available: number }> {
  return (await asStaff(admin, 'getProduct', { params: { id: productId } })).body.stock;
}

/** Places an order of the given lines for a new customer; returns the 201 body. */
export async function order(admin: string, lines: Array<{ productId: string; quantity: number }>, customerId?: string) {
  const placed = await asStaff(admin, 'createOrder', { body: { customerId: customerId ?? (await customer(admin)), lines } });
  if (placed.status !== 201) throw new Error(`createOrder: ${placed.status} ${JSON.stringify(placed.body)}`);
  return placed.body;
}

/** Pays the order in full; returns the payment. */
export async function payInFull(admin: string, placed: { id: string; total: { amount: number; currency: string } }) {
  const paid = await asStaff(admin, 'createPayment', { params: { id: placed.id }, body: { amount: placed.total, method: 'card' } });
  if (paid.status !== 201) throw new Error(`createPayment: ${paid.status} ${JSON.stringify(paid.body)}`);
  return paid.body;
}

