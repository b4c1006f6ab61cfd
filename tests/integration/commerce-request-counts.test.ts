import { insertPartnerWithKey } from '../../functions/iam/partner-repository';
import { newId } from '../../functions/shared/ids';
import { asPartner, asStaff, customer, eur, partnerCustomer, productWithStock, type CallOptions } from '../support/commerce';
import { countRequests } from '../support/request-counter';
import { createStaff } from '../support/staff';

/**
 * docs/architecture.md#data for the commerce routes, counted at the SDK: a command is at most one read where the
 * data it needs is not in the request (order placement: BatchGetItem of the products; transitions,
 * payments, shipments, delivery events: GetItem of the order or shipment; refunds: the approval
 * policy) plus exactly one write request (other tracking events: the transaction alone); a single-resource read is one request; a list is one Query. Admin requests first read
 * the caller's staff record (AUTH); partner routes have no authorization read in the module (the
 * key authorizer did it). docs/decisions.md lists the same budget per route.
 */
const AUTH = 'GetItem';
const counter = countRequests();
let admin: string;
const partner = newId();

async function measure(run: () => Promise<{ status: number }>, expectedStatus: number): Promise<string[]> {
  counter.reset();
  const res = await run();
  expect(res.status).toBe(expectedStatus);
  return counter.commands();
}

const staff = (operationId: string, options: CallOptions = {}) => () => asStaff(admin, operationId, options);

beforeAll(async () => {
  admin = await createStaff(['admin']);
  const at = new Date().toISOString();
  await insertPartnerWithKey(
    { id: partner, name: 'counted', scopes: ['orders:read', 'orders:write', 'shipments:write'], tier: 'standard', status: 'active', rateLimit: { requestsPerSecond: 10, burst: 20 }, dailyQuota: 1000, createdAt: at, version: 1 },
    { keyId: newId(), partnerId: partner, prefix: 'bok_x', secretHash: 'x', scopes: ['orders:read'], createdAt: at },
    { actor: 'system:test', requestId: 'test', sourceIp: '127.0.0.1', at },
  );
});

it('spends the minimum DynamoDB requests per inventory and customer route', async () => {
  const productId = await productWithStock(admin, 0);
  expect(await measure(staff('adjustStock', { params: { id: productId }, body: { delta: 5, reason: 'r' } }), 201)).toEqual([AUTH, 'GetItem', 'TransactWriteItems']);
  expect(await measure(staff('listStockAdjustments', { params: { id: productId } }), 200)).toEqual([AUTH, 'Query']);

  let id = '';
  const created = await measure(async () => {
    const res = await asStaff(admin, 'createCustomer', { body: { name: 'Count', email: 'count@example.com' } });
    id = res.body.id;
    return res;
  }, 201);
  expect(created).toEqual([AUTH, 'PutItem']);
  expect(await measure(staff('getCustomer', { params: { id } }), 200)).toEqual([AUTH, 'GetItem']);
  expect(await measure(staff('listCustomers', { query: { limit: '5' } }), 200)).toEqual([AUTH, 'Query']);
  expect(await measure(staff('updateCustomer', { params: { id }, body: { name: 'x' }, headers: { 'if-match': '"1"' } }), 200)).toEqual([AUTH, 'UpdateItem']);
  expect(await measure(staff('deleteCustomer', { params: { id } }), 204)).toEqual([AUTH, 'UpdateItem']);
  expect(await measure(staff('restoreCustomer', { params: { id } }), 200)).toEqual([AUTH, 'UpdateItem']);
  expect(await measure(staff('listCustomerOrders', { params: { id } }), 200)).toEqual([AUTH, 'Query']);
});

it('spends the minimum DynamoDB requests per order, payment, refund and ledger route', async () => {
  const productId = await productWithStock(admin, 10, eur(1_000));
  const customerId = await customer(admin);
  let orderId = '';
  const place = await measure(async () => {
    const res = await asStaff(admin, 'createOrder', { body: { customerId, lines: [{ productId, quantity: 2 }] } });
    orderId = res.body.id;
    return res;
  }, 201);
  expect(place).toEqual([AUTH, 'BatchGetItem', 'TransactWriteItems']);
  expect(await measure(staff('getOrder', { params: { id: orderId } }), 200)).toEqual([AUTH, 'GetItem']);
  expect(await measure(staff('getOrderHistory', { params: { id: orderId } }), 200)).toEqual([AUTH, 'GetItem']);
  expect(await measure(staff('listOrders', { query: { status: 'pending_payment', limit: '5' } }), 200)).toEqual([AUTH, 'Query']);
  expect(await measure(staff('listOrders', { query: { customerId, from: '2020-01-01', to: '2100-01-01' } }), 200)).toEqual([AUTH, 'Query']);
  // A partial payment: the settling attempt is refused (the returned order shows a larger balance), then recorded.
  expect(await measure(staff('createPayment', { params: { id: orderId }, body: { amount: eur(500), method: 'card' } }), 201)).toEqual([
    AUTH,
    'TransactWriteItems',
    'TransactWriteItems',
  ]);
  // The rest settles the order: one transaction.
  expect(await measure(staff('createPayment', { params: { id: orderId }, body: { amount: eur(1_500), method: 'card' } }), 201)).toEqual([
    AUTH,
    'TransactWriteItems',
  ]);
  expect(await measure(staff('fulfilOrder', { params: { id: orderId } }), 200)).toEqual([AUTH, 'UpdateItem']);
  // The approval policy is read first (refunds above its threshold wait for an approval), then one transaction.
  expect(await measure(staff('createRefund', { params: { id: orderId }, body: { amount: eur(500), reason: 'r' } }), 201)).toEqual([
    AUTH,
    'GetItem',
    'TransactWriteItems',
  ]);
  expect(await measure(staff('listLedgerAccounts'), 200)).toEqual([AUTH, 'Query']);
  expect(await measure(staff('listLedgerEntries', { params: { code: '1000' } }), 200)).toEqual([AUTH, 'Query']);
  expect(await measure(staff('getTrialBalance', { query: { currency: 'EUR' } }), 200)).toEqual([AUTH, 'Query']);
  expect(await measure(staff('cancelOrder', { params: { id: orderId }, body: { reason: 'r' } }), 200)).toEqual([AUTH, 'GetItem', 'TransactWriteItems']);

  // The product is known to this container now: the next order reads nothing before its transaction.
  // An idempotent retry: the transaction loses on the key's record, whose stored response is then read.
  const retry = { body: { customerId, lines: [{ productId, quantity: 1 }] }, headers: { 'idempotency-key': `rc-${newId()}` } };
  expect(await measure(staff('createOrder', retry), 201)).toEqual([AUTH, 'TransactWriteItems']);
  expect(await measure(staff('createOrder', retry), 201)).toEqual([AUTH, 'TransactWriteItems', 'GetItem']);
});

it('spends the minimum DynamoDB requests per shipment route, and from the partner API without an authorization read', async () => {
  const productId = await productWithStock(admin, 10, eur(1_000));
  const customerId = await partnerCustomer(partner);
  let orderId = '';
  const place = await measure(async () => {
    const res = await asPartner(partner, 'partnerCreateOrder', { body: { customerId, lines: [{ productId, quantity: 1 }] }, headers: { 'Idempotency-Key': newId() } });
    orderId = res.body.id;
    return res;
  }, 201);
  expect(place).toEqual(['BatchGetItem', 'TransactWriteItems']);
  expect(await measure(() => asPartner(partner, 'partnerGetOrder', { params: { id: orderId } }), 200)).toEqual(['GetItem']);
  expect(await measure(() => asPartner(partner, 'partnerListOrders', {}), 200)).toEqual(['Query']);

  await asStaff(admin, 'createPayment', { params: { id: orderId }, body: { amount: eur(1_000), method: 'card' } });
  let shipmentId = '';
  const ship = await measure(async () => {
    const res = await asStaff(admin, 'createShipment', { params: { id: orderId }, body: { carrier: 'DHL', trackingNumber: 'RC', carrierPartnerId: newId() } });
    return res;
  }, 400); // no such carrier partner: the ConditionCheck inside the transaction says so
  expect(ship).toEqual([AUTH, 'GetItem', 'TransactWriteItems']);
  const shipped = await measure(async () => {
    const res = await asStaff(admin, 'createShipment', { params: { id: orderId }, body: { carrier: 'DHL', trackingNumber: 'RC', carrierPartnerId: partner } });
    shipmentId = res.body.id;
    return res;
  }, 201);
  expect(shipped).toEqual([AUTH, 'GetItem', 'TransactWriteItems']);
  expect(await measure(staff('getShipment', { params: { id: shipmentId } }), 200)).toEqual([AUTH, 'Query']);
  expect(await measure(staff('createTrackingEvent', { params: { id: shipmentId }, body: { type: 'in_transit' } }), 201)).toEqual([AUTH, 'TransactWriteItems']);
  expect(
    await measure(() => asPartner(partner, 'partnerCreateTrackingEvent', { params: { id: shipmentId }, body: { type: 'in_transit' }, headers: { 'Idempotency-Key': newId() } }), 201),
  ).toEqual(['TransactWriteItems']);
  // Another carrier's shipment and an unknown one: the failed condition explains itself (no read).
  expect(
    await measure(() => asPartner(newId(), 'partnerCreateTrackingEvent', { params: { id: shipmentId }, body: { type: 'in_transit' }, headers: { 'Idempotency-Key': newId() } }), 404),
  ).toEqual(['TransactWriteItems', 'GetItem']);
  expect(await measure(staff('createTrackingEvent', { params: { id: newId() }, body: { type: 'in_transit' } }), 404)).toEqual([AUTH, 'TransactWriteItems']);
  // A delivery reads the shipment for the order it moves.
  expect(
    await measure(() => asPartner(partner, 'partnerCreateTrackingEvent', { params: { id: shipmentId }, body: { type: 'delivered' }, headers: { 'Idempotency-Key': newId() } }), 201),
  ).toEqual(['GetItem', 'TransactWriteItems']);
  expect(await measure(staff('completeOrder', { params: { id: orderId } }), 200)).toEqual([AUTH, 'UpdateItem']);
});
