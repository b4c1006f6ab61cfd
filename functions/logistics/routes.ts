import * as z from 'zod/mini';
import { defineRoutes } from '../shared/http/route';
import { IdParams } from '../shared/schemas';
import { CreateShipmentBody, PartnerTrackingEvent, Shipment, ShipmentWithEvents, TrackingEvent, TrackingEventBody } from './schemas';

const OrderParams = z.lazy(() => z.strictObject({ id: IdParams.shape.id }));

export const logisticsRoutes = defineRoutes([
  {
    operationId: 'createShipment',
    api: 'admin',
    method: 'POST',
    path: '/orders/{id}/shipments',
    module: 'logistics',
    summary: 'Ship an order',
    description: 'Ships a paid or fulfilling order: the order becomes shipped and its reserved stock leaves the warehouse. Any other status is 409.',
    location: [201],
    access: { permission: 'shipments:write' },
    params: OrderParams,
    body: CreateShipmentBody,
    responses: { 201: Shipment },
  },
  {
    operationId: 'getShipment',
    api: 'admin',
    method: 'GET',
    path: '/shipments/{id}',
    module: 'logistics',
    summary: 'Get a shipment',
    description: 'A shipment with its tracking events.',
    access: { permission: 'shipments:read' },
    params: IdParams,
    responses: { 200: ShipmentWithEvents },
  },
  {
    operationId: 'createTrackingEvent',
    api: 'admin',
    method: 'POST',
    path: '/shipments/{id}/events',
    module: 'logistics',
    summary: 'Record a tracking event',
    description: 'Records a tracking event of a shipment; a delivery moves the order to delivered. A delivered shipment takes no more events (409).',
    access: { permission: 'shipments:write' },
    params: IdParams,
    body: TrackingEventBody,
    idempotencyKey: 'optional',
    responses: { 201: TrackingEvent },
  },
  {
    operationId: 'partnerCreateTrackingEvent',
    api: 'partner',
    method: 'POST',
    path: '/shipments/{id}/events',
    module: 'logistics',
    summary: 'Record a tracking event',
    description: 'Records a tracking event for a shipment the calling partner carries (another carrier’s shipment is 404). The `Idempotency-Key` is required; a delivered shipment takes no more events (409).',
    access: { scope: 'shipments:write' },
    params: IdParams,
    body: TrackingEventBody,
    idempotencyKey: 'required',
    responses: { 201: PartnerTrackingEvent },
  },
]);
