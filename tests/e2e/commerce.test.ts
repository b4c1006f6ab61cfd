import { randomUUID } from 'node:crypto';
import { adminToken, api, credentials, partnerKey, type ApiReply } from '../support/e2e-client';

/**
 * The commerce core over HTTP through the local gateway (`npm start`): whole order journeys by staff
 * and by the demo partners, races on stock and refunds, idempotency, isolation between partners.
 * After every test the trial balance must still balance: debits equal credits, balances sum to zero.
 */
const ADMIN = 'admin@example.com';
const OPS = 'ops@example.com';
const FINANCE = 'finance@example.com';
/** Seeded by `npm start` (local/seed.ts), with fixed ids. */
const DEMO_CUSTOMER = '01JDEM0C0000000000000000C1';

function staff(email: string, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiReply> {
  return api(method, `/admin/v1${path}`, { token: adminToken(email), ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });
}

function partner(name: string, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiReply> {
  return api(method, `/partner/v1${path}`, { apiKey: partnerKey(name), ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });
}

const eur = (amount: number) => ({ amount, currency: 'EUR' });

async function expectStatus(reply: Promise<ApiReply> | ApiReply, status: number): Promise<ApiReply> {
  const res = await reply;
  expect({ status: res.status, body: res.body }).toEqual({ status, body: res.body });
  return res;
}

async function productWithStock(stock: number, price = eur(2_500)): Promise<string> {
  const product = await expectStatus(staff(ADMIN, 'POST', '/products', { sku: `E2E-C-${randomUUID().slice(0, 8)}`, name: 'Commerce item', price, status: 'active' }), 201);
  await expectStatus(staff(OPS, 'POST', `/products/${product.body.id}/stock-adjustments`, { delta: stock, reason: 'Goods received' }), 201);
  return product.body.id as string;
}

async function newCustomer(): Promise<string> {
  return (await expectStatus(staff(OPS, 'POST', '/customers', { name: 'Erika Muster', email: `erika.${randomUUID().slice(0, 8)}@example.com` }), 201)).body.id;
}

async function stockOf(productId: string) {
  return (await expectStatus(staff(OPS, 'GET', `/products/${productId}`), 200)).body.stock;
}

afterEach(async () => {
  const reply = await expectStatus(staff(FINANCE, 'GET', '/ledger/trial-balance?currency=EUR'), 200);
  const { accounts, totals } = reply.body as { accounts: Array<{ debit: number; credit: number; balance: number }>; totals: { debit: number; credit: number } };
  expect(totals.debit).toBe(totals.credit);
  expect(accounts.reduce((sum, account) => sum + account.balance, 0)).toBe(0);
  expect(accounts.reduce((sum, account) => sum + account.debit, 0)).toBe(totals.debit);
  // Without a currency: every currency held, each balanced (other files post meanwhile, so no equality with the EUR answer).
  const all = await expectStatus(staff(FINANCE, 'GET', '/ledger/trial-balance'), 200);
  const currencies = all.body.currencies as Array<{ currency: string; totals: { debit: number; credit: number; balance: number } }>;
  expect(currencies.map((tb) => tb.currency)).toContain('EUR');
  for (const tb of currencies) expect(tb.totals).toEqual({ debit: tb.totals.credit, credit: tb.totals.credit, balance: 0 });
});

it('a staff journey: customer → stock → order → payment → fulfilment → shipment → tracking → delivery → completion', async () => {
  const customerId = await newCustomer();
  const productId = await productWithStock(5, eur(3_000));
  const order = await expectStatus(staff(OPS, 'POST', '/orders', { customerId, lines: [{ productId, quantity: 2 }] }), 201);
  expect(order.body).toMatchObject({ status: 'pending_payment', total: eur(6_000), outstanding: eur(6_000) });
  expect(order.headers.get('etag')).toBe('"1"');
  expect(await stockOf(productId)).toEqual({ onHand: 5, reserved: 2, available: 3 });
  const id = order.body.id as string;

  const payment = await expectStatus(staff(FINANCE, 'POST', `/orders/${id}/payments`, { amount: eur(6_000), method: 'card', reference: 'psp-123' }), 201);
  expect(payment.body.orderStatus).toBe('paid');
  await expectStatus(staff(OPS, 'POST', `/orders/${id}/fulfil`, undefined, { 'if-match': '"2"' }), 200);

  const carrierId = credentials().partners['demo-carrier']!.id;
  const shipment = await expectStatus(staff(OPS, 'POST', `/orders/${id}/shipments`, { carrier: 'Demo Carrier', trackingNumber: 'DC-1', carrierPartnerId: carrierId }), 201);
  expect(shipment.body).toMatchObject({ orderId: id, status: 'created' });
  expect(await stockOf(productId)).toEqual({ onHand: 3, reserved: 0, available: 3 });

  const inTransit = await expectStatus(
    partner('demo-carrier', 'POST', `/shipments/${shipment.body.id}/events`, { type: 'in_transit', location: 'Hub' }, { 'Idempotency-Key': randomUUID() }),
    201,
  );
  expect(inTransit.body).toMatchObject({ type: 'in_transit', location: 'Hub' });
  await expectStatus(staff(OPS, 'POST', `/shipments/${shipment.body.id}/events`, { type: 'out_for_delivery' }), 201);
  await expectStatus(staff(OPS, 'POST', `/shipments/${shipment.body.id}/events`, { type: 'delivered' }), 201);
  expect((await staff(OPS, 'GET', `/orders/${id}`)).body.status).toBe('delivered');
  const completed = await expectStatus(staff(OPS, 'POST', `/orders/${id}/complete`), 200);
  expect(completed.body).toMatchObject({ status: 'completed', paid: eur(6_000), shipmentId: shipment.body.id });

  const tracked = await expectStatus(staff('support@example.com', 'GET', `/shipments/${shipment.body.id}`), 200);
  expect(tracked.body.events.map((e: { type: string }) => e.type)).toEqual(['in_transit', 'out_for_delivery', 'delivered']);
  const history = await expectStatus(staff(FINANCE, 'GET', `/orders/${id}/history`), 200);
  const ids = credentials().staff;
  expect(history.body.items.map((e: { from: string | null; to: string; actor: string }) => [e.from, e.to, e.actor])).toEqual([
    [null, 'pending_payment', `staff:${ids[OPS]!.id}`],
    ['pending_payment', 'paid', `staff:${ids[FINANCE]!.id}`],
    ['paid', 'fulfilling', `staff:${ids[OPS]!.id}`],
    ['fulfilling', 'shipped', `staff:${ids[OPS]!.id}`],
    ['shipped', 'delivered', `staff:${ids[OPS]!.id}`],
    ['delivered', 'completed', `staff:${ids[OPS]!.id}`],
  ]);
  for (const event of history.body.items) expect(Date.parse(event.at)).not.toBeNaN();
  const byCustomer = await expectStatus(staff(FINANCE, 'GET', `/customers/${customerId}/orders`), 200);
  expect(byCustomer.body.items.map((o: { id: string }) => o.id)).toEqual([id]);
});

it('a partner journey right after start: demo stock and customer, an idempotent order, a carrier delivering it', async () => {
  const catalog = await expectStatus(partner('demo-shop', 'GET', '/products?limit=100'), 200);
  const product = (catalog.body.items as Array<{ id: string; available: number; price: { amount: number } }>).find((p) => p.available >= 1);
  expect(product).toBeDefined();
  const key = randomUUID();
  const body = { customerId: DEMO_CUSTOMER, lines: [{ productId: product!.id, quantity: 1 }] };
  const placed = await expectStatus(partner('demo-shop', 'POST', '/orders', body, { 'Idempotency-Key': key }), 201);
  expect(placed.body).toMatchObject({ partnerId: credentials().partners['demo-shop']!.id, customerId: DEMO_CUSTOMER, status: 'pending_payment' });
  const again = await expectStatus(partner('demo-shop', 'POST', '/orders', body, { 'Idempotency-Key': key }), 201);
  expect(again.text).toBe(placed.text);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  const mine = await expectStatus(partner('demo-shop', 'GET', '/orders?limit=100'), 200);
  expect(mine.body.items.filter((o: { id: string }) => o.id === placed.body.id)).toHaveLength(1);
  const other = await partner('demo-shop', 'POST', '/orders', { ...body, lines: [{ productId: product!.id, quantity: 2 }] }, { 'Idempotency-Key': key });
  expect(other.status).toBe(422);
  expect(other.headers.get('content-type')).toBe('application/problem+json');
  expect((await partner('demo-shop', 'POST', '/orders', body)).status).toBe(400);

  const id = placed.body.id as string;
  await expectStatus(staff(FINANCE, 'POST', `/orders/${id}/payments`, { amount: placed.body.total, method: 'bank_transfer' }), 201);
  const shipment = await expectStatus(
    staff(OPS, 'POST', `/orders/${id}/shipments`, { carrier: 'Demo Carrier', trackingNumber: 'DC-2', carrierPartnerId: credentials().partners['demo-carrier']!.id }),
    201,
  );
  // Only the shipment's carrier may post its events; for anyone else it does not exist.
  expect((await partner('demo-shop', 'POST', `/shipments/${shipment.body.id}/events`, { type: 'delivered' }, { 'Idempotency-Key': randomUUID() })).status).toBe(403);
  const delivered = await expectStatus(
    partner('demo-carrier', 'POST', `/shipments/${shipment.body.id}/events`, { type: 'delivered' }, { 'Idempotency-Key': randomUUID() }),
    201,
  );
  expect(delivered.body.type).toBe('delivered');
  const seen = await expectStatus(partner('demo-shop', 'GET', `/orders/${id}`), 200);
  expect(seen.body).toMatchObject({ status: 'delivered', paid: placed.body.total });
  expect(seen.body.updatedBy).toBeUndefined();
});

describe('isolation between partners', () => {
  let otherKey: string;

  beforeAll(async () => {
    const other = await expectStatus(staff(ADMIN, 'POST', '/partners', { name: `other-${randomUUID().slice(0, 6)}`, scopes: ['orders:read', 'orders:write', 'shipments:write'] }), 201);
    otherKey = (await expectStatus(staff(ADMIN, 'POST', `/partners/${other.body.id}/keys`, {}), 201)).body.key;
  });

  it("answers 404 for another partner's order and for a shipment another carrier carries", async () => {
    const productId = await productWithStock(3);
    const placed = await expectStatus(
      partner('demo-shop', 'POST', '/orders', { customerId: DEMO_CUSTOMER, lines: [{ productId, quantity: 1 }] }, { 'Idempotency-Key': randomUUID() }),
      201,
    );
    const asOther = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      api(method, `/partner/v1${path}`, { apiKey: otherKey, ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });
    expect((await asOther('GET', `/orders/${placed.body.id}`)).status).toBe(404);
    const theirs = await expectStatus(asOther('GET', '/orders'), 200);
    expect(theirs.body.items).toEqual([]);
    await expectStatus(staff(FINANCE, 'POST', `/orders/${placed.body.id}/payments`, { amount: placed.body.total, method: 'card' }), 201);
    const shipment = await expectStatus(
      staff(OPS, 'POST', `/orders/${placed.body.id}/shipments`, { carrier: 'Demo Carrier', trackingNumber: 'DC-3', carrierPartnerId: credentials().partners['demo-carrier']!.id }),
      201,
    );
    expect((await asOther('POST', `/shipments/${shipment.body.id}/events`, { type: 'delivered' }, { 'Idempotency-Key': randomUUID() })).status).toBe(404);
    expect((await staff(OPS, 'GET', `/orders/${placed.body.id}`)).body.status).toBe('shipped');
    expect((await asOther('GET', `/orders/${placed.body.id}/shipments`)).status).toBe(404);
  });
});

it('a partner follows the fulfilment of its order: shipment, tracking events, and what changed since its last poll', async () => {
  const productId = await productWithStock(3);
  const before = new Date().toISOString();
  const placed = await expectStatus(
    partner('demo-shop', 'POST', '/orders', { customerId: DEMO_CUSTOMER, lines: [{ productId, quantity: 1 }] }, { 'Idempotency-Key': randomUUID() }),
    201,
  );
  const id = placed.body.id as string;
  expect((await expectStatus(partner('demo-shop', 'GET', `/orders/${id}/shipments`), 200)).body).toEqual({ items: [] });
  const polled = await expectStatus(partner('demo-shop', 'GET', `/orders?updatedSince=${encodeURIComponent(before)}&limit=100`), 200);
  expect(polled.body.items.map((o: { id: string }) => o.id)).toContain(id);
  const bound = polled.body.items.at(-1).updatedAt as string;

  await expectStatus(staff(FINANCE, 'POST', `/orders/${id}/payments`, { amount: placed.body.total, method: 'card' }), 201);
  const shipment = await expectStatus(
    staff(OPS, 'POST', `/orders/${id}/shipments`, { carrier: 'Demo Carrier', trackingNumber: 'DC-4', carrierPartnerId: credentials().partners['demo-carrier']!.id }),
    201,
  );
  await expectStatus(partner('demo-carrier', 'POST', `/shipments/${shipment.body.id}/events`, { type: 'in_transit', location: 'Hub' }, { 'Idempotency-Key': randomUUID() }), 201);
  await expectStatus(staff(OPS, 'POST', `/shipments/${shipment.body.id}/events`, { type: 'out_for_delivery' }), 201);

  const seen = await expectStatus(partner('demo-shop', 'GET', `/orders/${id}/shipments`), 200);
  expect(seen.body.items).toHaveLength(1);
  expect(seen.body.items[0]).toMatchObject({ id: shipment.body.id, orderId: id, carrier: 'Demo Carrier', trackingNumber: 'DC-4', status: 'out_for_delivery' });
  expect(seen.body.items[0].events.map((e: { type: string }) => e.type)).toEqual(['in_transit', 'out_for_delivery']);
  expect(seen.body.items[0].events[0].location).toBe('Hub');
  for (const hidden of ['carrierPartnerId', 'updatedBy', 'version']) expect(seen.body.items[0]).not.toHaveProperty(hidden);
  expect(seen.body.items[0].events[0]).not.toHaveProperty('recordedBy');

  // The next poll, from the last updatedAt seen: the order is there, shipped, and nothing older.
  const changed = await expectStatus(partner('demo-shop', 'GET', `/orders?updatedSince=${encodeURIComponent(bound)}&status=shipped&limit=100`), 200);
  expect(changed.body.items.map((o: { id: string }) => o.id)).toContain(id);
  for (const o of changed.body.items as Array<{ status: string; updatedAt: string }>) {
    expect(o.status).toBe('shipped');
    expect(o.updatedAt >= bound).toBe(true);
  }
  expect((await partner('demo-shop', 'GET', '/orders?updatedSince=yesterday')).status).toBe(400);
});

it('20 concurrent orders for a product with stock 10: exactly 10 succeed, the rest 409, no unit oversold', async () => {
  const productId = await productWithStock(10);
  const customerId = await newCustomer();
  const replies = await Promise.all(
    Array.from({ length: 20 }, () => staff(OPS, 'POST', '/orders', { customerId, lines: [{ productId, quantity: 1 }] })),
  );
  const statuses = replies.map((r) => r.status);
  expect(statuses.filter((s) => s === 201)).toHaveLength(10);
  expect(statuses.filter((s) => s === 409)).toHaveLength(10);
  for (const refused of replies.filter((r) => r.status === 409)) expect(refused.body.type).toContain('insufficient-stock');
  expect(await stockOf(productId)).toEqual({ onHand: 10, reserved: 10, available: 0 });
});

it('concurrent refunds never exceed what was paid', async () => {
  const productId = await productWithStock(1, eur(10_000));
  const order = await expectStatus(staff(OPS, 'POST', '/orders', { customerId: await newCustomer(), lines: [{ productId, quantity: 1 }] }), 201);
  await expectStatus(staff(FINANCE, 'POST', `/orders/${order.body.id}/payments`, { amount: eur(10_000), method: 'card' }), 201);
  const replies = await Promise.all(
    Array.from({ length: 10 }, (_, i) => staff(FINANCE, 'POST', `/orders/${order.body.id}/refunds`, { amount: eur(3_000), reason: `claim ${i}` })),
  );
  expect(replies.filter((r) => r.status === 201)).toHaveLength(3);
  expect(replies.filter((r) => r.status === 409)).toHaveLength(7);
  const after = await expectStatus(staff(FINANCE, 'GET', `/orders/${order.body.id}`), 200);
  expect(after.body).toMatchObject({ paid: eur(10_000), refunded: eur(9_000), refundable: eur(1_000) });
});

it('a payment in another currency is 400; an illegal transition is 409 naming the state', async () => {
  const productId = await productWithStock(2);
  const order = await expectStatus(staff(OPS, 'POST', '/orders', { customerId: await newCustomer(), lines: [{ productId, quantity: 1 }] }), 201);
  const usd = await staff(FINANCE, 'POST', `/orders/${order.body.id}/payments`, { amount: { amount: 2_500, currency: 'USD' }, method: 'card' });
  expect(usd.status).toBe(400);
  expect(usd.body.detail).toBe('The order is in EUR, not USD');
  const early = await staff(OPS, 'POST', `/orders/${order.body.id}/complete`);
  expect(early.status).toBe(409);
  expect(early.body.detail).toBe('The order is pending_payment: only an order that is delivered can be completed');
  const cancelled = await expectStatus(staff(OPS, 'POST', `/orders/${order.body.id}/cancel`, { reason: 'Changed their mind' }), 200);
  expect(cancelled.body.status).toBe('cancelled');
  expect(await stockOf(productId)).toEqual({ onHand: 2, reserved: 0, available: 2 });
  const late = await staff(FINANCE, 'POST', `/orders/${order.body.id}/payments`, { amount: eur(2_500), method: 'card' });
  expect(late.status).toBe(409);
  expect(late.body.detail).toContain('The order is cancelled');
});

it('masks customer personal data for staff without customers:read_pii', async () => {
  const created = await expectStatus(staff(OPS, 'POST', '/customers', { name: 'Pia Privat', email: 'pia.privat@example.com', phone: '+49 40 7654321' }), 201);
  expect(created.body).toMatchObject({ email: 'p***@example.com', phone: '+** ** *****21' });
  const bySupport = await expectStatus(staff('support@example.com', 'GET', `/customers/${created.body.id}`), 200);
  expect(bySupport.body).toMatchObject({ email: 'pia.privat@example.com', phone: '+49 40 7654321' });
});
