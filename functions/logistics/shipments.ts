import { shipStock } from '../catalog/stock-repository';
import { explainOrderRace, historyEvent, readForTransition } from '../orders/order-state';
import { findOrder, ORDER_ACTION, orderUpdate } from '../orders/order-repository';
import { badRequest, conflict, notFound } from '../shared/errors';
import { runIdempotent, type CommandResult, type IdempotentRequest } from '../shared/idempotency';
import { newId } from '../shared/ids';
import { TransactionCancelled, transactWrite, type NamedAction } from '../shared/transaction-repository';
import type { WriteContext } from '../shared/write-context';
import type { PartnerShipment, Shipment, TrackingEvent } from './schemas';
import {
  activePartnerCheck,
  findShipment,
  findShipmentWithEvents,
  SHIPMENT_ACTION,
  shipmentPut,
  trackingEventPut,
  trackingUpdate,
  type ShipmentRecord,
  type TrackingEventRecord,
} from './shipment-repository';

/** Shipments and tracking events; shipping moves the order to `shipped`, a delivery event to `delivered`. */

export function toShipment(record: ShipmentRecord): Shipment {
  const { requestId: _r, sourceIp: _s, lastEventAt: _l, ...rest } = record;
  return rest;
}

export function toTrackingEvent(record: TrackingEventRecord): TrackingEvent {
  return {
    id: record.id,
    shipmentId: record.shipmentId,
    type: record.type,
    at: record.at,
    ...(record.location === undefined ? {} : { location: record.location }),
    recordedAt: record.recordedAt,
    recordedBy: record.recordedBy,
  };
}

/**
 * Ships a paid (or fulfilling) order in one shipment: read the order (its lines and version), then one
 * transaction — the order moves to `shipped` on the version read, its history event, the shipment,
 * and every line's reserved units leave the stock (onHand − q, reserved − q).
 */
export async function createShipment(
  orderId: string,
  input: { carrier: string; trackingNumber: string; carrierPartnerId?: string },
  ctx: WriteContext,
): Promise<Shipment> {
  const order = await readForTransition(orderId, 'shipped', undefined);
  const shipment: ShipmentRecord = {
    id: newId(),
    orderId,
    status: 'created',
    carrier: input.carrier,
    trackingNumber: input.trackingNumber,
    ...(input.carrierPartnerId === undefined ? {} : { carrierPartnerId: input.carrierPartnerId }),
    version: 1,
    createdAt: ctx.at,
    updatedAt: ctx.at,
    updatedBy: ctx.actor,
    requestId: ctx.requestId,
    sourceIp: ctx.sourceIp,
  };
  const actions: NamedAction[] = [
    orderUpdate(
      orderId,
      { status: 'shipped', set: { shipmentId: shipment.id }, fromStatuses: [order.status], expectedVersion: order.version, event: historyEvent(order.status, 'shipped', ctx) },
      ctx,
    ),
    shipmentPut(shipment),
    ...order.lines.map((line) => shipStock(line, ctx)),
    ...(input.carrierPartnerId === undefined ? [] : [activePartnerCheck(input.carrierPartnerId)]),
  ];
  try {
    await transactWrite(actions);
  } catch (error) {
    if (!(error instanceof TransactionCancelled)) throw error;
    const race = explainOrderRace(error, order, 'shipped');
    if (race) throw race;
    if (error.failed('carrier')) {
      throw badRequest('The carrier partner does not exist or is disabled', [{ path: 'body.carrierPartnerId', message: 'No such active partner' }]);
    }
    throw error;
  }
  return toShipment(shipment);
}

export async function getShipment(id: string) {
  const { shipment, events } = await findShipmentWithEvents(id);
  if (!shipment) throw notFound('Shipment');
  return { ...toShipment(shipment), events: events.map(toTrackingEvent) };
}

/** What the ordering partner sees of a shipment: no carrier partner id, actors, versions or request data. */
export function toPartnerShipment(shipment: ShipmentRecord, events: TrackingEventRecord[]): PartnerShipment {
  const { id, orderId, status, carrier, trackingNumber, createdAt, updatedAt } = shipment;
  return {
    id,
    orderId,
    status,
    carrier,
    trackingNumber,
    createdAt,
    updatedAt,
    events: events.map((event) => ({ id: event.id, type: event.type, at: event.at, ...(event.location === undefined ? {} : { location: event.location }) })),
  };
}

/**
 * A shipment as the partner that placed its order sees it, with that partner (the partner events):
 * the shipment with its events (one Query), then its order (one GetItem). None for a staff order.
 */
export async function partnerShipmentOf(shipmentId: string): Promise<{ partnerId: string; shipment: PartnerShipment } | undefined> {
  const { shipment, events } = await findShipmentWithEvents(shipmentId);
  if (!shipment) return undefined;
  const order = await findOrder(shipment.orderId);
  if (!order?.partnerId) return undefined;
  return { partnerId: order.partnerId, shipment: toPartnerShipment(shipment, events) };
}

/**
 * The shipments of a partner's order: the order (one GetItem: its owner and the shipment it names),
 * then the shipment with its events (one Query of the shipment's partition). An order that is not the
 * partner's is 404; an order not shipped yet has none.
 */
export async function listPartnerOrderShipments(orderId: string, partnerId: string): Promise<{ items: PartnerShipment[] }> {
  const order = await findOrder(orderId);
  if (!order || order.partnerId !== partnerId) throw notFound('Order');
  if (order.shipmentId === undefined) return { items: [] };
  const { shipment, events } = await findShipmentWithEvents(order.shipmentId);
  return { items: shipment ? [toPartnerShipment(shipment, events)] : [] };
}

/**
 * Records a tracking event: one transaction — shipment status, the event, and for `delivered` the
 * order's move to `delivered` with its history event. The shipment's condition (exists, not delivered,
 * for a carrier partner: its own) answers what a read would: a shipment that is absent or another
 * carrier's is 404, a delivered one 409, told apart by the shipment DynamoDB returns on the failed
 * condition. Only a `delivered` event reads the shipment first: its order (which it moves) is named there.
 */
export async function recordTrackingEvent(
  shipmentId: string,
  input: { type: TrackingEvent['type']; at?: string; location?: string },
  carrierPartnerId: string | undefined,
  idempotency: IdempotentRequest | undefined,
  ctx: WriteContext,
): Promise<CommandResult<TrackingEvent>> {
  return runIdempotent<TrackingEvent>(idempotency, ctx, async (record) => {
    const delivered = input.type === 'delivered';
    const shipment = delivered ? await findShipment(shipmentId) : undefined;
    if (delivered) refuseTrackingEvent(shipment, carrierPartnerId, '');
    const event: TrackingEventRecord = {
      id: newId(),
      shipmentId,
      type: input.type,
      at: input.at === undefined ? ctx.at : new Date(input.at).toISOString(),
      ...(input.location === undefined ? {} : { location: input.location }),
      recordedAt: ctx.at,
      recordedBy: ctx.actor,
    };
    const response = { status: 201, body: toTrackingEvent(event) };
    try {
      await transactWrite([
        ...record(response),
        trackingUpdate(shipmentId, event, carrierPartnerId, ctx),
        trackingEventPut(event, ctx),
        ...(shipment
          ? [orderUpdate(shipment.orderId, { status: 'delivered', fromStatuses: ['shipped'], event: historyEvent('shipped', 'delivered', ctx) }, ctx)]
          : []),
      ]);
    } catch (error) {
      if (!(error instanceof TransactionCancelled)) throw error;
      if (error.failed(SHIPMENT_ACTION)) {
        refuseTrackingEvent(error.current(SHIPMENT_ACTION) as ShipmentRecord | undefined, carrierPartnerId, shipment ? ' meanwhile' : '');
      }
      if (error.failed(ORDER_ACTION)) {
        const current = error.current(ORDER_ACTION);
        throw current ? conflict(`The order is ${String(current.status)}: only a shipped order can be delivered`, 'illegal-transition') : notFound('Order');
      }
      throw error;
    }
    return response;
  });
}

/**
 * Why a shipment takes no tracking event from this caller, if it does not: absent, or another
 * carrier's (404; a partner never learns of other carriers' shipments); delivered (409).
 */
function refuseTrackingEvent(shipment: Pick<ShipmentRecord, 'status' | 'carrierPartnerId'> | undefined, carrierPartnerId: string | undefined, when: string): void {
  if (!shipment || (carrierPartnerId !== undefined && shipment.carrierPartnerId !== carrierPartnerId)) throw notFound('Shipment');
  if (shipment.status === 'delivered') throw conflict(`The shipment was delivered${when}: it takes no further tracking events`, 'shipment-delivered');
}
