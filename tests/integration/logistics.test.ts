import { insertPartnerWithKey } from '../../functions/iam/partner-repository';
import { newId } from '../../functions/shared/ids';
import { asPartner, asStaff, order, partnerCustomer, payInFull, productWithStock, stockOf } from '../support/commerce';
import { createStaff } from '../support/staff';

/** Shipments and tracking events: shipping takes reserved stock off the shelf; delivery moves the order on. */
let admin: string;
let ops: string;
let support: string;
let carrier: string;

beforeAll(async () => {
  [admin, ops, support] = await Promise.all([createStaff(['admin']), createStaff(['operations']), createStaff(['support'])]);
  carrier = newId();
  const at = new Date().toISOString();
  const ctx = { actor: 'system:test', requestId: 'test', sourceIp: '127.0.0.1', at };
  await insertPartnerWithKey(
    { id: carrier, name: 'carrier', scopes: ['shipments:write'], tier: 'standard', status: 'active', rateLimit: { requestsPerSecond: 10, burst: 20 }, dailyQuota: 1000, createdAt: at, version: 1 },
    { keyId: newId(), partnerId: carrier, prefix: 'bok_x', secretHash: 'x', scopes: ['shipments:write'], createdAt: at },
    ctx,
  );
});

async function paidOrder(quantity = 2) {
  const productId = await productWithStock(admin, 10);
  const placed = await order(admin, [{ productId, quantity }]);
  await payInFull(admin, placed);
  return { productId, placed };
}

describe('shipments', () => {
  it('ships a paid order: order shipped, reserved units leave the stock, history recorded', async () => {
    const { productId, placed } = await paidOrder(3);
    expect(await stockOf(admin, productId)).toEqual({ onHand: 10, reserved: 3, available: 7 });
    const shipped = await asStaff(ops, 'createShipment', { params: { id: placed.id }, body: { carrier: 'DHL', trackingNumber: 'JD0001', carrierPartnerId: carrier } });
    expect(shipped.status).toBe(201);
    expect(shipped.headers.location).toBe(`/admin/v1/shipments/${shipped.body.id}`);
    expect(shipped.body).toMatchObject({ orderId: placed.id, status: 'created', carrier: 'DHL', trackingNumber: 'JD0001', carrierPartnerId: carrier, version: 1 });
    expect(await stockOf(admin, productId)).toEqual({ onHand: 7, reserved: 0, available: 7 });
    expect((await asStaff(ops, 'getOrder', { params: { id: placed.id } })).body).toMatchObject({ status: 'shipped', shipmentId: shipped.body.id });
    const history = (await asStaff(ops, 'getOrderHistory', { params: { id: placed.id } })).body.items;
    expect(history.at(-1)).toMatchObject({ from: 'paid', to: 'shipped', actor: `staff:${ops}` });
    const again = await asStaff(ops, 'createShipment', { params: { id: placed.id }, body: { carrier: 'DHL', trackingNumber: 'JD0002' } });
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe('The order is shipped: only an order that is paid or fulfilling can be shipped');
  });

  it('ships a fulfilling order; refuses unpaid orders and unknown carriers', async () => {
    const productId = await productWithStock(admin, 5);
    const unpaid = await order(admin, [{ productId, quantity: 1 }]);
    const refused = await asStaff(ops, 'createShipment', { params: { id: unpaid.id }, body: { carrier: 'UPS', trackingNumber: '1Z' } });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('The order is pending_payment');
    await payInFull(admin, unpaid);
    await asStaff(ops, 'fulfilOrder', { params: { id: unpaid.id } });
    const ghost = await asStaff(ops, 'createShipment', { params: { id: unpaid.id }, body: { carrier: 'UPS', trackingNumber: '1Z', carrierPartnerId: newId() } });
    expect(ghost.status).toBe(400);
    expect(ghost.body.errors).toEqual([{ path: 'body.carrierPartnerId', message: 'No such active partner' }]);
    expect(await stockOf(admin, productId)).toEqual({ onHand: 5, reserved: 1, available: 4 });
    const shipped = await asStaff(ops, 'createShipment', { params: { id: unpaid.id }, body: { carrier: 'UPS', trackingNumber: '1Z' } });
    expect(shipped.status).toBe(201);
    expect((await asStaff(ops, 'getOrderHistory', { params: { id: unpaid.id } })).body.items.at(-1)).toMatchObject({ from: 'fulfilling', to: 'shipped' });
    expect((await asStaff(ops, 'createShipment', { params: { id: newId() }, body: { carrier: 'UPS', trackingNumber: '1Z' } })).status).toBe(404);
  });
});

describe('tracking events', () => {
  it('records events; delivered moves the order to delivered; afterwards events are refused; complete follows', async () => {
    const { placed } = await paidOrder(1);
    const shipment = (await asStaff(ops, 'createShipment', { params: { id: placed.id }, body: { carrier: 'DHL', trackingNumber: 'T1' } })).body;
    const moving = await asStaff(ops, 'createTrackingEvent', { params: { id: shipment.id }, body: { type: 'in_transit', at: '2026-01-02T10:00:00Z', location: 'Leipzig hub' } });
    expect(moving.status).toBe(201);
    expect(moving.body).toMatchObject({ shipmentId: shipment.id, type: 'in_transit', at: '2026-01-02T10:00:00.000Z', location: 'Leipzig hub', recordedBy: `staff:${ops}` });
    expect((await asStaff(ops, 'getOrder', { params: { id: placed.id } })).body.status).toBe('shipped');
    const early = await asStaff(ops, 'completeOrder', { params: { id: placed.id } });
    expect(early.status).toBe(409);
    expect(early.body.detail).toBe('The order is shipped: only an order that is delivered can be completed');
    const delivered = await asStaff(ops, 'createTrackingEvent', { params: { id: shipment.id }, body: { type: 'delivered', at: '2026-01-03T09:30:00Z' } });
    expect(delivered.status).toBe(201);
    expect((await asStaff(ops, 'getOrder', { params: { id: placed.id } })).body.status).toBe('delivered');
    const late = await asStaff(ops, 'createTrackingEvent', { params: { id: shipment.id }, body: { type: 'exception' } });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ type: expect.stringContaining('shipment-delivered'), detail: 'The shipment was delivered: it takes no further tracking events' });
    const again = await asStaff(ops, 'createTrackingEvent', { params: { id: shipment.id }, body: { type: 'delivered' } });
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe('The shipment was delivered: it takes no further tracking events');
    const read = await asStaff(support, 'getShipment', { params: { id: shipment.id } });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: shipment.id, status: 'delivered', version: 3 });
    expect(read.body.events.map((e: { type: string }) => e.type)).toEqual(['in_transit', 'delivered']);
    const completed = await asStaff(ops, 'completeOrder', { params: { id: placed.id } });
    expect(completed.status).toBe(200);
    expect(completed.body.status).toBe('completed');
    const history = (await asStaff(ops, 'getOrderHistory', { params: { id: placed.id } })).body.items;
    expect(history.map((e: { to: string }) => e.to)).toEqual(['pending_payment', 'paid', 'shipped', 'delivered', 'completed']);
  });

  it('takes events from the shipment’s carrier partner only (another partner: 404), with a required Idempotency-Key', async () => {
    const { placed } = await paidOrder(1);
    const shipment = (await asStaff(ops, 'createShipment', { params: { id: placed.id }, body: { carrier: 'DHL', trackingNumber: 'T2', carrierPartnerId: carrier } })).body;
    const unkeyed = await asPartner(carrier, 'partnerCreateTrackingEvent', { params: { id: shipment.id }, body: { type: 'in_transit' }, scopes: ['shipments:write'] });
    expect(unkeyed.status).toBe(400);
    const stranger = await asPartner(newId(), 'partnerCreateTrackingEvent', { params: { id: shipment.id }, body: { type: 'delivered' }, headers: { 'Idempotency-Key': 'e1' } });
    expect(stranger.status).toBe(404);
    // Without a read first (not a delivery): the shipment's condition says it is another carrier's.
    const strangerMoving = await asPartner(newId(), 'partnerCreateTrackingEvent', { params: { id: shipment.id }, body: { type: 'in_transit' }, headers: { 'Idempotency-Key': 'e1' } });
    expect(strangerMoving.status).toBe(404);
    expect((await asStaff(support, 'getShipment', { params: { id: shipment.id } })).body).toMatchObject({ status: 'created', version: 1, events: [] });
    const event = { params: { id: shipment.id }, body: { type: 'delivered', location: 'Front door' }, headers: { 'Idempotency-Key': 'e1' }, scopes: ['shipments:write'] };
    const posted = await asPartner(carrier, 'partnerCreateTrackingEvent', event);
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({ type: 'delivered', location: 'Front door', shipmentId: shipment.id });
    expect(posted.body.recordedBy).toBeUndefined();
    const replay = await asPartner(carrier, 'partnerCreateTrackingEvent', event);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(posted.body);
    expect((await asStaff(ops, 'getOrder', { params: { id: placed.id } })).body).toMatchObject({ status: 'delivered', updatedBy: `partner:${carrier}` });
    expect((await asStaff(ops, 'getOrderHistory', { params: { id: placed.id } })).body.items.at(-1)).toMatchObject({ to: 'delivered', actor: `partner:${carrier}` });
    // Staff-created shipments without a carrier partner take no partner events.
    const other = await paidOrder(1);
    const own = (await asStaff(ops, 'createShipment', { params: { id: other.placed.id }, body: { carrier: 'Own fleet', trackingNumber: 'T3' } })).body;
    expect((await asPartner(carrier, 'partnerCreateTrackingEvent', { params: { id: own.id }, body: { type: 'in_transit' }, headers: { 'Idempotency-Key': 'e2' } })).status).toBe(404);
  });

  it('answers 404 for unknown shipments and needs shipments permissions', async () => {
    expect((await asStaff(ops, 'getShipment', { params: { id: newId() } })).status).toBe(404);
    expect((await asStaff(ops, 'createTrackingEvent', { params: { id: newId() }, body: { type: 'in_transit' } })).status).toBe(404);
    expect((await asStaff(ops, 'createTrackingEvent', { params: { id: newId() }, body: { type: 'delivered' } })).status).toBe(404);
    expect((await asStaff(support, 'createTrackingEvent', { params: { id: newId() }, body: { type: 'in_transit' } })).status).toBe(403);
    expect((await asStaff(ops, 'createTrackingEvent', { params: { id: newId() }, body: { type: 'lost' } })).status).toBe(400);
  });
});

describe('the ordering partner', () => {
  it('sees the shipment of its own order with carrier, tracking number, status and events; another partner gets 404', async () => {
    const shop = newId();
    const productId = await productWithStock(admin, 5);
    const placed = (
      await asPartner(shop, 'partnerCreateOrder', {
        body: { customerId: await partnerCustomer(shop), lines: [{ productId, quantity: 1 }] },
        headers: { 'Idempotency-Key': newId() },
      })
    ).body;
    const none = await asPartner(shop, 'partnerListOrderShipments', { params: { id: placed.id } });
    expect(none).toMatchObject({ status: 200, body: { items: [] } });
    await payInFull(admin, placed);
    const shipment = (await asStaff(ops, 'createShipment', { params: { id: placed.id }, body: { carrier: 'DHL', trackingNumber: 'TRK-9', carrierPartnerId: carrier } })).body;
    await asPartner(carrier, 'partnerCreateTrackingEvent', { params: { id: shipment.id }, body: { type: 'in_transit', at: '2026-03-01T08:00:00.000Z', location: 'Hub' }, headers: { 'Idempotency-Key': newId() } });
    await asStaff(ops, 'createTrackingEvent', { params: { id: shipment.id }, body: { type: 'out_for_delivery', at: '2026-03-02T07:00:00.000Z' } });

    const seen = await asPartner(shop, 'partnerListOrderShipments', { params: { id: placed.id } });
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual({
      items: [
        {
          id: shipment.id,
          orderId: placed.id,
          status: 'out_for_delivery',
          carrier: 'DHL',
          trackingNumber: 'TRK-9',
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
          events: [
            { id: expect.any(String), type: 'in_transit', at: '2026-03-01T08:00:00.000Z', location: 'Hub' },
            { id: expect.any(String), type: 'out_for_delivery', at: '2026-03-02T07:00:00.000Z' },
          ],
        },
      ],
    });
    // Another partner, a staff order and an unknown order: 404; the scope is orders:read.
    expect((await asPartner(newId(), 'partnerListOrderShipments', { params: { id: placed.id } })).status).toBe(404);
    expect((await asPartner(carrier, 'partnerListOrderShipments', { params: { id: placed.id } })).status).toBe(404);
    const { placed: staffOrder } = await paidOrder(1);
    expect((await asPartner(shop, 'partnerListOrderShipments', { params: { id: staffOrder.id } })).status).toBe(404);
    expect((await asPartner(shop, 'partnerListOrderShipments', { params: { id: newId() } })).status).toBe(404);
    expect((await asPartner(shop, 'partnerListOrderShipments', { params: { id: placed.id }, scopes: ['orders:write'] })).status).toBe(403);
  });
});
