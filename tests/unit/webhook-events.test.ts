import { EVENT_TYPES, mayReceive } from '../../functions/webhooks/catalogue';
import { EVENT_SOURCE_TYPES, eventsOf, sortKeyOfEventId, type EventSources } from '../../functions/webhooks/events';
import { PARTNER_EVENTS_CONSUMER } from '../../functions/shared/schema/stream-consumers';
import { DERIVED_ENTITY_TYPES } from '../../functions/shared/schema/tables';
import { webhookKeys } from '../../functions/shared/keys';
import { streamRecord } from '../support/stream-records';

/** Which changes make which partner event, and what the event carries (functions/webhooks/events.ts). */

const noShipments: EventSources = { partnerShipment: async () => undefined };
const T0 = '2026-12-01T10:00:00.000Z';
const T1 = '2026-12-01T10:05:00.000Z';

const order = (changes: Record<string, unknown> = {}) => ({
  pk: 'ORDER#01JDEM0C0000000000000000O1',
  sk: 'ORDER',
  gsi3pk: 'x',
  entityType: 'order',
  id: '01JDEM0C0000000000000000O1',
  status: 'pending_payment',
  customerId: '01JDEM0C0000000000000000C1',
  partnerId: '01JDEM0C0000000000000000P1',
  lines: [{ productId: '01JDEM0C0000000000000000X1', sku: 'MUG', name: 'Mug', quantity: 2, unitPrice: { amount: 500, currency: 'EUR' } }],
  currency: 'EUR',
  total: 1000,
  paidAmount: 0,
  outstanding: 1000,
  refundedAmount: 0,
  refundable: 0,
  version: 1,
  createdAt: T0,
  updatedAt: T0,
  updatedBy: 'partner:01JDEM0C0000000000000000P1',
  ...changes,
});

const product = (changes: Record<string, unknown> = {}) => ({
  pk: 'PRODUCT#01JDEM0C0000000000000000X1',
  sk: 'PRODUCT',
  entityType: 'product',
  id: '01JDEM0C0000000000000000X1',
  sku: 'MUG',
  name: 'Mug',
  price: { amount: 500, currency: 'EUR' },
  status: 'active',
  onHand: 10,
  reserved: 2,
  version: 3,
  createdAt: T0,
  updatedAt: T0,
  updatedBy: 'staff:01JDEM0C0000000000000000S1',
  ...changes,
});

describe('order events', () => {
  it('a partner order placed, paid, refunded and cancelled, each with the partner view after the change', async () => {
    const created = await eventsOf(streamRecord(undefined, order(), 'e1'), noShipments);
    expect(created).toMatchObject([{ type: 'order.created', at: T0, audience: { partnerId: '01JDEM0C0000000000000000P1' } }]);
    expect(created[0]!.data).toMatchObject({ id: '01JDEM0C0000000000000000O1', status: 'pending_payment', total: { amount: 1000, currency: 'EUR' }, version: 1 });
    // The partner's own view: no staff actor, no table keys.
    for (const field of ['updatedBy', 'pk', 'sk', 'gsi3pk', 'entityType']) expect(created[0]!.data).not.toHaveProperty(field);

    const paid = await eventsOf(streamRecord(order(), order({ status: 'paid', paidAmount: 1000, outstanding: 0, version: 2, updatedAt: T1 }), 'e2'), noShipments);
    expect(paid.map((event) => [event.type, event.at, event.data.version])).toEqual([['order.paid', T1, 2]]);

    const refundedAndCancelled = await eventsOf(
      streamRecord(order({ status: 'paid' }), order({ status: 'cancelled', refundedAmount: 1000, version: 3, updatedAt: T1 }), 'e3'),
      noShipments,
    );
    expect(refundedAndCancelled.map((event) => event.type)).toEqual(['order.cancelled', 'order.refunded']);
  });

  it('a staff order (no partner) and a change that moves nothing make no event', async () => {
    const { partnerId: _p, ...staffOrder } = order();
    expect(await eventsOf(streamRecord(undefined, staffOrder, 'e4'), noShipments)).toEqual([]);
    expect(await eventsOf(streamRecord(order(), order({ version: 2, updatedAt: T1 }), 'e5'), noShipments)).toEqual([]);
  });
});

describe('event ids', () => {
  it('are stable per stream record and type, differ between records, and name their place in the feed', async () => {
    const record = streamRecord(order(), order({ status: 'paid', updatedAt: T1 }), 'same-record');
    const first = await eventsOf(record, noShipments);
    const again = await eventsOf(record, noShipments);
    expect(again[0]!.id).toBe(first[0]!.id);
    expect(first[0]!.id).toMatch(/^msg_\d{13}[A-Za-z0-9_-]{20}$/);
    const other = await eventsOf(streamRecord(order(), order({ status: 'paid', updatedAt: T1 }), 'another-record'), noShipments);
    expect(other[0]!.id).not.toBe(first[0]!.id);
    expect(sortKeyOfEventId(first[0]!.id)).toBe(webhookKeys.eventSortKey(T1, first[0]!.id));
  });
});

describe('catalog and content events', () => {
  it('a price change of an active product; availability when the orderable stock moves or the product is delisted', async () => {
    const repriced = await eventsOf(streamRecord(product(), product({ price: { amount: 600, currency: 'EUR' }, version: 4, updatedAt: T1 }), 'p1'), noShipments);
    expect(repriced).toMatchObject([{ type: 'product.price_changed', audience: { scope: 'catalog:read' }, data: { price: { amount: 600 }, available: 8, version: 4 } }]);
    expect(repriced[0]!.data).not.toHaveProperty('onHand');

    const sold = await eventsOf(streamRecord(product(), product({ reserved: 10, updatedAt: T1 }), 'p2'), noShipments);
    expect(sold).toMatchObject([{ type: 'product.availability_changed', data: { available: 0 } }]);

    const archived = await eventsOf(streamRecord(product(), product({ status: 'archived', version: 4, updatedAt: T1 }), 'p3'), noShipments);
    expect(archived).toMatchObject([{ type: 'product.availability_changed', data: { available: 0 } }]);

    const draftRepriced = await eventsOf(streamRecord(product({ status: 'draft' }), product({ status: 'draft', price: { amount: 1, currency: 'EUR' } }), 'p4'), noShipments);
    expect(draftRepriced).toEqual([]);
  });

  it('publishing and unpublishing carry the published copy only', async () => {
    const piece = (changes: Record<string, unknown>) => ({
      entityType: 'content',
      id: '01JDEM0C0000000000000000K1',
      slug: 'returns',
      title: 'Draft title',
      body: 'Draft body',
      status: 'draft',
      latestVersion: 2,
      version: 5,
      createdAt: T0,
      createdBy: 'staff:x',
      updatedAt: T1,
      updatedBy: 'staff:x',
      ...changes,
    });
    const published = { version: 2, title: 'Returns', body: 'Within 30 days', publishedAt: T1 };
    const publish = await eventsOf(streamRecord(piece({}), piece({ status: 'published', published }), 'c1'), noShipments);
    expect(publish).toMatchObject([{ type: 'content.published', audience: { scope: 'content:read' }, data: { slug: 'returns', title: 'Returns', version: 2 } }]);
    expect(JSON.stringify(publish[0]!.data)).not.toContain('Draft');
    const unpublish = await eventsOf(streamRecord(piece({ status: 'published', published }), piece({}), 'c2'), noShipments);
    expect(unpublish).toMatchObject([{ type: 'content.unpublished', data: { slug: 'returns', version: 2 } }]);
  });
});

describe('shipment events', () => {
  it('a new tracking event goes to the partner of the order, with the shipment as that partner reads it', async () => {
    const view = { id: 'S1', orderId: 'O1', status: 'in_transit', carrier: 'DHL', trackingNumber: 'T', createdAt: T0, updatedAt: T1, events: [] };
    const sources: EventSources = { partnerShipment: async (id) => (id === 'S1' ? { partnerId: 'P1', shipment: view as never } : undefined) };
    const shipment = (lastEventAt?: string) => ({ entityType: 'shipment', id: 'S1', orderId: 'O1', status: 'in_transit', updatedAt: T1, ...(lastEventAt ? { lastEventAt } : {}) });
    expect(await eventsOf(streamRecord(shipment(), shipment(T1), 's1'), sources)).toMatchObject([
      { type: 'shipment.tracking_updated', audience: { partnerId: 'P1' }, data: view },
    ]);
    expect(await eventsOf(streamRecord(undefined, shipment(), 's2'), sources)).toEqual([]);
  });
});

describe('the catalogue', () => {
  it('the consumer filter lets through exactly the entity types that make events, none of them derived', () => {
    expect([...(PARTNER_EVENTS_CONSUMER.entityTypes ?? [])].sort()).toEqual([...EVENT_SOURCE_TYPES].sort());
    for (const derived of DERIVED_ENTITY_TYPES) expect(PARTNER_EVENTS_CONSUMER.entityTypes).not.toContain(derived);
  });

  it('scopes decide what a partner may subscribe to', () => {
    expect(mayReceive('order.shipped', ['orders:read'])).toBe(true);
    expect(mayReceive('order.shipped', ['catalog:read'])).toBe(false);
    expect(mayReceive('product.price_changed', ['catalog:read'])).toBe(true);
    expect(mayReceive('content.published', ['catalog:read'])).toBe(false);
    expect(mayReceive('no.such_event', ['orders:read', 'catalog:read', 'content:read'])).toBe(false);
    expect(new Set(EVENT_TYPES.map((definition) => definition.type)).size).toBe(EVENT_TYPES.length);
  });
});
