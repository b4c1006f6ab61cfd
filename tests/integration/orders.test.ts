import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../../functions/shared/db';
import { newId } from '../../functions/shared/ids';
import { productKeys } from '../../functions/shared/keys';
import { asPartner, asStaff, customer, eur, order, partnerCustomer, payInFull, productWithStock, stockOf } from '../support/commerce';
import { handler as iamHandler } from '../../functions/iam/handler';
import { iamRoutes } from '../../functions/iam/routes';
import { adminEvent, lambdaContext, parse, routeById } from '../support/lambda-events';
import { createStaff } from '../support/staff';

/** Orders: placing (staff and partners), stock reservation, lifecycle, history, lists, idempotency. */

/** An iam route as a staff member (partners are created there). */
async function asIam(staffId: string, operationId: string, options: { body?: unknown } = {}) {
  return parse(await iamHandler(adminEvent(routeById(iamRoutes, operationId), { staffId, ...options }) as never, lambdaContext()));
}
let admin: string;
let ops: string;
let finance: string;

beforeAll(async () => {
  [admin, ops, finance] = await Promise.all([createStaff(['admin']), createStaff(['operations']), createStaff(['finance'])]);
});

describe('placing an order', () => {
  it('prices the lines from the catalog, reserves stock and records the creation in the history', async () => {
    const shirt = await productWithStock(admin, 10, eur(1_999));
    const mug = await productWithStock(admin, 5, eur(1_250));
    const customerId = await customer(admin);
    const placed = await asStaff(ops, 'createOrder', {
      body: { customerId, lines: [{ productId: shirt, quantity: 2 }, { productId: mug, quantity: 5 }] },
    });
    expect(placed.status).toBe(201);
    expect(placed.headers.location).toBe(`/admin/v1/orders/${placed.body.id}`);
    expect(placed.headers.etag).toBe('"1"');
    expect(placed.body).toMatchObject({
      status: 'pending_payment',
      customerId,
      lines: [
        { productId: shirt, quantity: 2, unitPrice: eur(1_999), lineTotal: eur(3_998), sku: expect.any(String), name: expect.any(String) },
        { productId: mug, quantity: 5, unitPrice: eur(1_250), lineTotal: eur(6_250) },
      ],
      total: eur(10_248),
      paid: eur(0),
      outstanding: eur(10_248),
      refundable: eur(0),
      version: 1,
      updatedBy: `staff:${ops}`,
    });
    expect(placed.body.partnerId).toBeUndefined();
    expect(await stockOf(admin, shirt)).toEqual({ onHand: 10, reserved: 2, available: 8 });
    expect(await stockOf(admin, mug)).toEqual({ onHand: 5, reserved: 5, available: 0 });
    expect((await asStaff(finance, 'getOrder', { params: { id: placed.body.id } })).body).toEqual(placed.body);
    const history = await asStaff(finance, 'getOrderHistory', { params: { id: placed.body.id } });
    expect(history.body).toEqual({ items: [{ from: null, to: 'pending_payment', actor: `staff:${ops}`, at: placed.body.createdAt }] });
  });

  it('refuses an order beyond the stock with 409 naming the product, and reserves nothing', async () => {
    const plenty = await productWithStock(admin, 10);
    const scarce = await productWithStock(admin, 2);
    const sku = (await asStaff(admin, 'getProduct', { params: { id: scarce } })).body.sku;
    const refused = await asStaff(ops, 'createOrder', {
      body: { customerId: await customer(admin), lines: [{ productId: plenty, quantity: 1 }, { productId: scarce, quantity: 3 }] },
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: expect.stringContaining('insufficient-stock'), detail: expect.stringContaining(sku) });
    expect(refused.body.errors).toEqual([{ path: 'body.lines.1.quantity', message: 'Only 2 available' }]);
    expect(await stockOf(admin, plenty)).toEqual({ onHand: 10, reserved: 0, available: 10 });
    expect(await stockOf(admin, scarce)).toEqual({ onHand: 2, reserved: 0, available: 2 });
  });

  it('refuses unknown products (400), products not for sale (409), mixed currencies (400) and duplicate lines (400)', async () => {
    const customerId = await customer(admin);
    const eurItem = await productWithStock(admin, 5);
    const usdItem = await productWithStock(admin, 5, { amount: 900, currency: 'USD' } as never);
    const draft = (await asStaff(admin, 'createProduct', { body: { sku: `D-${newId()}`, name: 'Draft', price: eur(100) } })).body.id;
    const unknown = await asStaff(ops, 'createOrder', { body: { customerId, lines: [{ productId: newId(), quantity: 1 }] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ path: 'body.lines.0.productId', message: 'No such product' }]);
    const notForSale = await asStaff(ops, 'createOrder', { body: { customerId, lines: [{ productId: draft, quantity: 1 }] } });
    expect(notForSale.status).toBe(409);
    expect(notForSale.body.detail).toContain('draft');
    const mixed = await asStaff(ops, 'createOrder', {
      body: { customerId, lines: [{ productId: eurItem, quantity: 1 }, { productId: usdItem, quantity: 1 }] },
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body.errors).toEqual([{ path: 'body.lines.1.productId', message: 'Priced in USD, not EUR' }]);
    const duplicate = await asStaff(ops, 'createOrder', {
      body: { customerId, lines: [{ productId: eurItem, quantity: 1 }, { productId: eurItem, quantity: 2 }] },
    });
    expect(duplicate.status).toBe(400);
    for (const body of [{ customerId, lines: [] }, { customerId, lines: [{ productId: eurItem, quantity: 0 }] }, { customerId, lines: [{ productId: eurItem, quantity: 1 }], status: 'paid' }]) {
      expect((await asStaff(ops, 'createOrder', { body })).status).toBe(400);
    }
    expect(await stockOf(admin, eurItem)).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it('refuses an unknown or deleted customer (400) and reserves nothing', async () => {
    const productId = await productWithStock(admin, 5);
    const gone = await customer(admin);
    await asStaff(admin, 'deleteCustomer', { params: { id: gone } });
    for (const customerId of [newId(), gone]) {
      const refused = await asStaff(ops, 'createOrder', { body: { customerId, lines: [{ productId, quantity: 1 }] } });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ path: 'body.customerId', message: 'No such customer' }]);
    }
    expect(await stockOf(admin, productId)).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it('cancels rather than misprices when the price changes between the read and the write', async () => {
    const productId = await productWithStock(admin, 5, eur(1_000));
    const customerId = await customer(admin);
    // Change the price right before the order's transaction goes out.
    let armed = true;
    documentClient.middlewareStack.add(
      (next, context) => async (args) => {
        if (armed && /TransactWrite/.test(String(context.commandName))) {
          armed = false;
          await documentClient.send(
            new UpdateCommand({ TableName: tableName(), Key: productKeys.byId(productId), UpdateExpression: 'SET price = :p', ExpressionAttributeValues: { ':p': eur(1_100) } }),
          );
        }
        return next(args);
      },
      { step: 'initialize', name: 'priceChanger' },
    );
    try {
      const refused = await asStaff(ops, 'createOrder', { body: { customerId, lines: [{ productId, quantity: 1 }] } });
      expect(refused.status).toBe(409);
      expect(refused.body.type).toContain('price-changed');
    } finally {
      documentClient.middlewareStack.remove('priceChanger');
    }
    const retried = await asStaff(ops, 'createOrder', { body: { customerId, lines: [{ productId, quantity: 1 }] } });
    expect(retried.status).toBe(201);
    expect(retried.body.total).toEqual(eur(1_100));
  });

  it('prices from this container’s product snapshots, and never from a stale one', async () => {
    const productId = await productWithStock(admin, 20, eur(1_000));
    const customerId = await customer(admin);
    const place = () => asStaff(ops, 'createOrder', { body: { customerId, lines: [{ productId, quantity: 1 }] } });
    expect((await place()).body.lines[0]).toMatchObject({ unitPrice: eur(1_000), name: expect.any(String) });
    // Price (within the approval threshold) and name change after the snapshot was taken.
    expect((await asStaff(admin, 'updateProduct', { params: { id: productId }, body: { price: eur(1_100), name: 'Renamed' } })).status).toBe(200);
    const repriced = await place();
    expect(repriced.status).toBe(201);
    expect(repriced.body.lines[0]).toMatchObject({ unitPrice: eur(1_100), name: 'Renamed' });
    expect(repriced.body.total).toEqual(eur(1_100));
    // Not for sale any more: refused on the product as it is, not as it was.
    expect((await asStaff(admin, 'updateProduct', { params: { id: productId }, body: { status: 'archived' } })).status).toBe(200);
    expect((await place()).status).toBe(409);
    expect((await asStaff(admin, 'updateProduct', { params: { id: productId }, body: { status: 'active' } })).status).toBe(200);
    // Deleted: unknown.
    expect((await place()).status).toBe(201);
    expect(await stockOf(admin, productId)).toMatchObject({ reserved: 3 });
    expect((await asStaff(admin, 'deleteProduct', { params: { id: productId } })).status).toBe(204);
    expect((await place()).status).toBe(400);
  });

  it('answers insufficient stock from a snapshot with what is available now', async () => {
    const productId = await productWithStock(admin, 3, eur(500));
    const customerId = await customer(admin);
    expect((await asStaff(ops, 'createOrder', { body: { customerId, lines: [{ productId, quantity: 2 }] } })).status).toBe(201);
    const refused = await asStaff(ops, 'createOrder', { body: { customerId, lines: [{ productId, quantity: 2 }] } });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('1 available');
  });

  it('takes up to 96 lines in one transaction', async () => {
    const products = await Promise.all(Array.from({ length: 96 }, () => productWithStock(admin, 1, eur(100))));
    const placed = await asStaff(ops, 'createOrder', { body: { customerId: await customer(admin), lines: products.map((productId) => ({ productId, quantity: 1 })) } });
    expect(placed.status).toBe(201);
    expect(placed.body.total).toEqual(eur(9_600));
    expect(await stockOf(admin, products[95]!)).toEqual({ onHand: 1, reserved: 1, available: 0 });
    const tooMany = await asStaff(ops, 'createOrder', {
      body: { customerId: await customer(admin), lines: [...products, newId()].map((productId) => ({ productId, quantity: 1 })) },
    });
    expect(tooMany.status).toBe(400);
  }, 60_000);

  it('reserves every unit at most once under concurrent orders', async () => {
    const productId = await productWithStock(admin, 10);
    const customerId = await customer(admin);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => asStaff(ops, 'createOrder', { body: { customerId, lines: [{ productId, quantity: 1 }] } })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(10);
    expect(await stockOf(admin, productId)).toEqual({ onHand: 10, reserved: 10, available: 0 });
  });
});

describe('idempotency for staff', () => {
  it('replays the first response for the same key and body, 422 for another body', async () => {
    const productId = await productWithStock(admin, 5);
    const customerId = await customer(admin);
    const key = `order-${newId()}`;
    const body = { customerId, lines: [{ productId, quantity: 2 }] };
    const first = await asStaff(ops, 'createOrder', { body, headers: { 'idempotency-key': key } });
    const again = await asStaff(ops, 'createOrder', { body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await stockOf(admin, productId)).toEqual({ onHand: 5, reserved: 2, available: 3 });
    const other = await asStaff(ops, 'createOrder', { body: { ...body, lines: [{ productId, quantity: 1 }] }, headers: { 'idempotency-key': key } });
    expect(other.status).toBe(422);
    expect(other.body.type).toContain('idempotency-key-reused');
    // Keys belong to their caller: another member may use the same key.
    const colleague = await createStaff(['operations']);
    expect((await asStaff(colleague, 'createOrder', { body, headers: { 'idempotency-key': key } })).headers['idempotent-replayed']).toBeUndefined();
  });

  it('replays even when the stock is gone by the time of the retry', async () => {
    const productId = await productWithStock(admin, 1);
    const body = { customerId: await customer(admin), lines: [{ productId, quantity: 1 }] };
    const first = await asStaff(ops, 'createOrder', { body, headers: { 'idempotency-key': 'last-unit' } });
    const retry = await asStaff(ops, 'createOrder', { body, headers: { 'idempotency-key': 'last-unit' } });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect((await asStaff(ops, 'createOrder', { body })).status).toBe(409);
  });

  it('keeps concurrent requests with one key to one order', async () => {
    const productId = await productWithStock(admin, 10);
    const body = { customerId: await customer(admin), lines: [{ productId, quantity: 1 }] };
    const key = `burst-${newId()}`;
    const results = await Promise.all(Array.from({ length: 5 }, () => asStaff(ops, 'createOrder', { body, headers: { 'idempotency-key': key } })));
    expect(new Set(results.map((r) => `${r.status} ${r.body.id}`)).size).toBe(1);
    expect(await stockOf(admin, productId)).toEqual({ onHand: 10, reserved: 1, available: 9 });
  });

  it('refuses malformed keys', async () => {
    const productId = await productWithStock(admin, 1);
    const res = await asStaff(ops, 'createOrder', { body: { customerId: await customer(admin), lines: [{ productId, quantity: 1 }] }, headers: { 'idempotency-key': 'has space' } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'headers.idempotency-key', message: 'Invalid key' }]);
  });
});

describe('lifecycle', () => {
  it('moves through fulfilment and refuses illegal transitions with 409 naming the state', async () => {
    const productId = await productWithStock(admin, 5);
    const placed = await order(admin, [{ productId, quantity: 1 }]);
    const early = await asStaff(ops, 'fulfilOrder', { params: { id: placed.id } });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ type: expect.stringContaining('illegal-transition'), detail: 'The order is pending_payment: only an order that is paid can be fulfilled' });
    expect((await asStaff(ops, 'completeOrder', { params: { id: placed.id } })).body.detail).toContain('pending_payment');
    await payInFull(admin, placed);
    const stale = await asStaff(ops, 'fulfilOrder', { params: { id: placed.id }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.detail).toBe('The order is at version 2, not 1');
    const fulfilling = await asStaff(ops, 'fulfilOrder', { params: { id: placed.id }, headers: { 'if-match': '"2"' } });
    expect(fulfilling.status).toBe(200);
    expect(fulfilling.body).toMatchObject({ status: 'fulfilling', version: 3 });
    expect(fulfilling.headers.etag).toBe('"3"');
    const twice = await asStaff(ops, 'fulfilOrder', { params: { id: placed.id } });
    expect(twice.status).toBe(409);
    expect(twice.body.detail).toContain('The order is fulfilling');
    const history = await asStaff(ops, 'getOrderHistory', { params: { id: placed.id } });
    expect(history.body.items.map((e: { from: string | null; to: string }) => [e.from, e.to])).toEqual([
      [null, 'pending_payment'],
      ['pending_payment', 'paid'],
      ['paid', 'fulfilling'],
    ]);
    expect(history.body.items[2]).toMatchObject({ actor: `staff:${ops}`, at: fulfilling.body.updatedAt });
  });

  it('cancels an unshipped order, releases its stock, records the reason; cancelling again is 409', async () => {
    const a = await productWithStock(admin, 4);
    const b = await productWithStock(admin, 4);
    const placed = await order(admin, [{ productId: a, quantity: 3 }, { productId: b, quantity: 1 }]);
    expect(await stockOf(admin, a)).toEqual({ onHand: 4, reserved: 3, available: 1 });
    const stale = await asStaff(ops, 'cancelOrder', { params: { id: placed.id }, body: { reason: 'x' }, headers: { 'if-match': '"7"' } });
    expect(stale.status).toBe(412);
    const cancelled = await asStaff(ops, 'cancelOrder', { params: { id: placed.id }, body: { reason: 'Customer changed their mind' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'Customer changed their mind', version: 2 });
    expect(await stockOf(admin, a)).toEqual({ onHand: 4, reserved: 0, available: 4 });
    expect(await stockOf(admin, b)).toEqual({ onHand: 4, reserved: 0, available: 4 });
    const again = await asStaff(ops, 'cancelOrder', { params: { id: placed.id }, body: { reason: 'again' } });
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe('The order is cancelled: only an order that is pending_payment or paid or fulfilling can be cancelled');
    const history = await asStaff(ops, 'getOrderHistory', { params: { id: placed.id } });
    expect(history.body.items.at(-1)).toMatchObject({ from: 'pending_payment', to: 'cancelled', reason: 'Customer changed their mind', actor: `staff:${ops}` });
  });

  it('cancels a paid order (the money stays refundable)', async () => {
    const productId = await productWithStock(admin, 2);
    const placed = await order(admin, [{ productId, quantity: 2 }]);
    await payInFull(admin, placed);
    const cancelled = await asStaff(ops, 'cancelOrder', { params: { id: placed.id }, body: { reason: 'Out of business' } });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', refundable: placed.total });
    expect(await stockOf(admin, productId)).toEqual({ onHand: 2, reserved: 0, available: 2 });
  });

  it('answers 404 for unknown orders', async () => {
    const id = newId();
    for (const operationId of ['getOrder', 'getOrderHistory', 'fulfilOrder', 'completeOrder']) {
      expect({ operationId, status: (await asStaff(admin, operationId, { params: { id } })).status }).toEqual({ operationId, status: 404 });
    }
    expect((await asStaff(admin, 'cancelOrder', { params: { id }, body: { reason: 'x' } })).status).toBe(404);
  });

  it('needs orders permissions', async () => {
    const analyst = await createStaff(['analyst']);
    expect((await asStaff(analyst, 'createOrder', { body: { customerId: newId(), lines: [{ productId: newId(), quantity: 1 }] } })).status).toBe(403);
    expect((await asStaff(finance, 'cancelOrder', { params: { id: newId() }, body: { reason: 'x' } })).status).toBe(403);
  });
});

describe('lists', () => {
  it('lists by status, customer or partner, newest first, within a range; requires exactly one filter', async () => {
    const productId = await productWithStock(admin, 20);
    const customerId = await customer(admin);
    const one = await order(admin, [{ productId, quantity: 1 }], customerId);
    const two = await order(admin, [{ productId, quantity: 1 }], customerId);
    await payInFull(admin, one);
    const pending = await asStaff(finance, 'listOrders', { query: { status: 'pending_payment', from: two.createdAt } });
    expect(pending.body.items.map((o: { id: string }) => o.id)).toEqual([two.id]);
    const paid = await asStaff(finance, 'listOrders', { query: { status: 'paid', from: one.createdAt, to: one.createdAt } });
    expect(paid.body.items.map((o: { id: string }) => o.id)).toEqual([one.id]);
    expect(paid.body.items[0].status).toBe('paid');
    const mine = await asStaff(finance, 'listOrders', { query: { customerId } });
    expect(mine.body.items.map((o: { id: string }) => o.id)).toEqual([two.id, one.id]);
    const today = new Date().toISOString().slice(0, 10);
    const byDate = await asStaff(finance, 'listOrders', { query: { customerId, from: today, to: today } });
    expect(byDate.body.items).toHaveLength(2);
    expect((await asStaff(finance, 'listOrders', {})).status).toBe(400);
    expect((await asStaff(finance, 'listOrders', { query: { status: 'paid', customerId } })).status).toBe(400);
    expect((await asStaff(finance, 'listOrders', { query: { customerId, from: '2026-02-02', to: '2026-02-01' } })).status).toBe(400);
    expect((await asStaff(finance, 'listOrders', { query: { status: 'lost' } })).status).toBe(400);
    const page = await asStaff(finance, 'listOrders', { query: { customerId, limit: '1' } });
    const other = await asStaff(finance, 'listOrders', { query: { status: 'paid', limit: '1', cursor: page.body.nextCursor } });
    expect(other.status).toBe(400);
  });
});

describe('partner orders', () => {
  const shop = newId();
  const rival = newId();

  it('needs an Idempotency-Key (400), places the order as the partner, lists and reads only its own', async () => {
    const productId = await productWithStock(admin, 10);
    const customerId = await partnerCustomer(shop);
    const body = { customerId, lines: [{ productId, quantity: 2 }] };
    const missing = await asPartner(shop, 'partnerCreateOrder', { body });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ path: 'headers.idempotency-key', message: 'Required' }]);
    const placed = await asPartner(shop, 'partnerCreateOrder', { body, headers: { 'Idempotency-Key': 'p-1' } });
    expect(placed.status).toBe(201);
    expect(placed.headers.location).toBe(`/partner/v1/orders/${placed.body.id}`);
    expect(placed.body).toMatchObject({ partnerId: shop, customerId, status: 'pending_payment', total: eur(2_000) });
    expect(placed.body.updatedBy).toBeUndefined();
    const replay = await asPartner(shop, 'partnerCreateOrder', { body, headers: { 'Idempotency-Key': 'p-1' } });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(placed.body);
    expect((await asPartner(shop, 'partnerCreateOrder', { body: { ...body, lines: [{ productId, quantity: 3 }] }, headers: { 'Idempotency-Key': 'p-1' } })).status).toBe(422);
    // The same key from another partner is another key (for the rival's own customer).
    const rivalsCustomer = await partnerCustomer(rival);
    const rivals = await asPartner(rival, 'partnerCreateOrder', { body: { ...body, customerId: rivalsCustomer }, headers: { 'Idempotency-Key': 'p-1' } });
    expect(rivals.status).toBe(201);
    expect(rivals.body.id).not.toBe(placed.body.id);
    expect(await stockOf(admin, productId)).toEqual({ onHand: 10, reserved: 4, available: 6 });

    const listed = await asPartner(shop, 'partnerListOrders', {});
    expect(listed.body.items.map((o: { id: string }) => o.id)).toEqual([placed.body.id]);
    expect((await asPartner(shop, 'partnerGetOrder', { params: { id: placed.body.id } })).body).toEqual(placed.body);
    expect((await asPartner(shop, 'partnerGetOrder', { params: { id: rivals.body.id } })).status).toBe(404);
    expect((await asPartner(rival, 'partnerGetOrder', { params: { id: placed.body.id } })).status).toBe(404);
    const staffOrder = await order(admin, [{ productId, quantity: 1 }], customerId);
    expect((await asPartner(shop, 'partnerGetOrder', { params: { id: staffOrder.id } })).status).toBe(404);
    const byPartner = await asStaff(finance, 'listOrders', { query: { partnerId: shop } });
    expect(byPartner.body.items.map((o: { id: string }) => o.id)).toEqual([placed.body.id]);
    expect(byPartner.body.items[0].updatedBy).toBe(`partner:${shop}`);
    const history = await asStaff(finance, 'getOrderHistory', { params: { id: placed.body.id } });
    expect(history.body.items[0].actor).toBe(`partner:${shop}`);
  });

  it('needs the orders scopes', async () => {
    expect((await asPartner(shop, 'partnerListOrders', { scopes: ['catalog:read'] })).status).toBe(403);
    expect((await asPartner(shop, 'partnerCreateOrder', { scopes: ['orders:read'], body: {}, headers: { 'Idempotency-Key': 'x' } })).status).toBe(403);
    expect((await asPartner(shop, 'partnerCreateCustomer', { scopes: ['orders:read'], body: {}, headers: { 'Idempotency-Key': 'x' } })).status).toBe(403);
    expect((await asPartner(shop, 'partnerGetCustomer', { scopes: ['catalog:read'], params: { id: newId() } })).status).toBe(403);
  });
});

describe('customers a partner may order for', () => {
  const shop = newId();
  const rival = newId();

  it('orders only for its own or linked customers: another partner’s, an unknown or a deleted one is 404 and nothing is written', async () => {
    const productId = await productWithStock(admin, 5);
    const own = await partnerCustomer(shop);
    const rivals = await partnerCustomer(rival);
    const staffs = await customer(admin);
    const place = (partnerId: string, customerId: string) =>
      asPartner(partnerId, 'partnerCreateOrder', { body: { customerId, lines: [{ productId, quantity: 1 }] }, headers: { 'Idempotency-Key': newId() } });

    for (const customerId of [rivals, staffs, newId()]) {
      const refused = await place(shop, customerId);
      expect({ status: refused.status, detail: refused.body.detail }).toEqual({ status: 404, detail: 'Customer not found' });
    }
    expect(await stockOf(admin, productId)).toEqual({ onHand: 5, reserved: 0, available: 5 });
    expect((await asStaff(finance, 'listOrders', { query: { customerId: rivals } })).body.items).toEqual([]);
    expect((await asStaff(finance, 'listOrders', { query: { partnerId: shop } })).body.items).toEqual([]);
    // Staff keep placing orders for any live customer; an unknown one stays 400 for them.
    expect((await asStaff(ops, 'createOrder', { body: { customerId: rivals, lines: [{ productId, quantity: 1 }] } })).status).toBe(201);
    expect((await asStaff(ops, 'createOrder', { body: { customerId: newId(), lines: [{ productId, quantity: 1 }] } })).status).toBe(400);

    expect((await place(shop, own)).status).toBe(201);
    expect((await place(rival, rivals)).status).toBe(201);
    // A customer the partner created but staff deleted: 404 as well.
    expect((await asStaff(ops, 'deleteCustomer', { params: { id: own } })).status).toBe(204);
    expect((await place(shop, own)).status).toBe(404);
  });

  it('creates customers (Idempotency-Key required), reads only those it may act for, masked', async () => {
    const body = { name: 'Petra Partner', email: 'petra.partner@example.com', phone: '+49 40 7654321' };
    expect((await asPartner(shop, 'partnerCreateCustomer', { body })).status).toBe(400);
    const invalid = await asPartner(shop, 'partnerCreateCustomer', { body: { name: 'x', email: 'not-an-email' }, headers: { 'Idempotency-Key': newId() } });
    expect(invalid.status).toBe(400);
    const key = newId();
    const created = await asPartner(shop, 'partnerCreateCustomer', { body, headers: { 'Idempotency-Key': key } });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/partner/v1/customers/${created.body.id}`);
    expect(created.body).toEqual({ id: expect.any(String), name: 'Petra Partner', email: 'p***@example.com', phone: '+** ** *****21', createdAt: expect.any(String), updatedAt: expect.any(String) });
    const replay = await asPartner(shop, 'partnerCreateCustomer', { body, headers: { 'Idempotency-Key': key } });
    expect(replay).toMatchObject({ status: 201, body: created.body, headers: { 'idempotent-replayed': 'true' } });
    expect((await asPartner(shop, 'partnerGetCustomer', { params: { id: created.body.id } })).body).toEqual(created.body);
    expect((await asPartner(rival, 'partnerGetCustomer', { params: { id: created.body.id } })).status).toBe(404);
    expect((await asPartner(shop, 'partnerGetCustomer', { params: { id: await customer(admin) } })).status).toBe(404);
    expect((await asPartner(shop, 'partnerGetCustomer', { params: { id: newId() } })).status).toBe(404);
    // Staff see the customer in full, made by the partner.
    const seen = await asStaff(admin, 'getCustomer', { params: { id: created.body.id } });
    expect(seen.body).toMatchObject({ email: 'petra.partner@example.com', updatedBy: `partner:${shop}` });
  });

  it('staff link an existing customer to a partner and unlink it; linking is idempotent', async () => {
    const partner = await asIam(admin, 'createPartner', { body: { name: 'Linked shop', scopes: ['orders:read', 'orders:write'] } });
    expect(partner.status).toBe(201);
    const partnerId = partner.body.id as string;
    const productId = await productWithStock(admin, 5);
    const customerId = await customer(admin);
    const place = () => asPartner(partnerId, 'partnerCreateOrder', { body: { customerId, lines: [{ productId, quantity: 1 }] }, headers: { 'Idempotency-Key': newId() } });
    expect((await place()).status).toBe(404);
    expect((await asPartner(partnerId, 'partnerGetCustomer', { params: { id: customerId } })).status).toBe(404);

    const linked = await asStaff(ops, 'linkCustomerPartner', { params: { id: customerId, partnerId } });
    expect(linked.status).toBe(200);
    expect(linked.body).toEqual({ customerId, partnerId, origin: 'linked', createdAt: expect.any(String), createdBy: `staff:${ops}` });
    const again = await asStaff(admin, 'linkCustomerPartner', { params: { id: customerId, partnerId } });
    expect(again.body).toEqual(linked.body);
    expect((await asPartner(partnerId, 'partnerGetCustomer', { params: { id: customerId } })).status).toBe(200);
    expect((await place()).status).toBe(201);

    expect((await asStaff(ops, 'linkCustomerPartner', { params: { id: newId(), partnerId } })).body.detail).toBe('Customer not found');
    expect((await asStaff(ops, 'linkCustomerPartner', { params: { id: customerId, partnerId: newId() } })).body.detail).toBe('Partner not found');
    expect((await asStaff(finance, 'linkCustomerPartner', { params: { id: customerId, partnerId } })).status).toBe(403);

    expect((await asStaff(ops, 'unlinkCustomerPartner', { params: { id: customerId, partnerId } })).status).toBe(204);
    expect((await asStaff(ops, 'unlinkCustomerPartner', { params: { id: customerId, partnerId } })).status).toBe(404);
    expect((await place()).status).toBe(404);
    expect((await asPartner(partnerId, 'partnerGetCustomer', { params: { id: customerId } })).status).toBe(404);
    // Its orders stay; linking again restores the right.
    expect((await asStaff(finance, 'listOrders', { query: { partnerId } })).body.items).toHaveLength(1);
    const relinked = await asStaff(admin, 'linkCustomerPartner', { params: { id: customerId, partnerId } });
    expect(relinked.body.createdBy).toBe(`staff:${admin}`);
    expect((await place()).status).toBe(201);
  });
});

describe('a partner picks up what changed', () => {
  const shop = newId();

  it('lists its orders changed since a time, oldest change first, inclusive, by status, paging with the cursor', async () => {
    const productId = await productWithStock(admin, 20);
    const customerId = await partnerCustomer(shop);
    const place = async () =>
      (await asPartner(shop, 'partnerCreateOrder', { body: { customerId, lines: [{ productId, quantity: 1 }] }, headers: { 'Idempotency-Key': newId() } })).body;
    const first = await place();
    const second = await place();
    const third = await place();
    const ids = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((o) => o.id);
    const since = async (updatedSince: string, extra: Record<string, string> = {}) =>
      asPartner(shop, 'partnerListOrders', { query: { updatedSince, ...extra } });

    // Inclusive bound: the first order's own creation time includes it.
    expect(ids(await since(first.updatedAt))).toEqual([first.id, second.id, third.id]);
    // A change moves the order to the end of the list, and its updatedAt is the next poll's bound.
    const paid = await payInFull(admin, first);
    expect(paid).toBeDefined();
    const afterPayment = await since(third.updatedAt);
    expect(ids(afterPayment)).toEqual([third.id, first.id]);
    const changed = afterPayment.body.items[1];
    expect(changed).toMatchObject({ status: 'paid', version: 2 });
    expect(changed.updatedAt > third.updatedAt).toBe(true);
    expect(ids(await since(changed.updatedAt))).toEqual([first.id]);
    expect(ids(await since(new Date(Date.parse(changed.updatedAt) + 1).toISOString()))).toEqual([]);
    // An offset is read as the instant it names.
    const offset = new Date(Date.parse(changed.updatedAt) + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    expect(ids(await since(offset))).toEqual([first.id]);
    const fulfilled = await asStaff(ops, 'fulfilOrder', { params: { id: first.id } });
    expect(fulfilled.status).toBe(200);
    expect(ids(await since(changed.updatedAt))).toEqual([first.id]);
    expect((await since(changed.updatedAt)).body.items[0].status).toBe('fulfilling');

    // Status filters the same Query: pages may be short, the cursor goes on where the last one stopped.
    expect(ids(await since(first.createdAt, { status: 'pending_payment' }))).toEqual([second.id, third.id]);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await since(first.createdAt, { status: 'pending_payment', limit: '1', ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      seen.push(...ids(page));
      cursor = page.body.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual([second.id, third.id]);
    expect(pages).toBeGreaterThanOrEqual(3);
    // Without updatedSince: newest created first, optionally by status.
    expect(ids(await asPartner(shop, 'partnerListOrders', { query: { status: 'pending_payment' } }))).toEqual([third.id, second.id]);
    expect(ids(await asPartner(shop, 'partnerListOrders', { query: {} }))).toEqual([third.id, second.id, first.id]);

    // Bad input: 400 problem+json.
    for (const query of <Array<Record<string, string>>>[{ updatedSince: 'yesterday' }, { updatedSince: '2026-01-01' }, { updatedSince: first.createdAt, from: '2026-01-01' }, { status: 'lost' }]) {
      const refused = await asPartner(shop, 'partnerListOrders', { query });
      expect(refused.status).toBe(400);
      expect(refused.headers['content-type']).toBe('application/problem+json');
    }
    // A cursor belongs to its query.
    const page = await since(first.createdAt, { limit: '1' });
    expect((await since(second.createdAt, { limit: '1', cursor: page.body.nextCursor })).status).toBe(400);
  });
});
