import * as z from 'zod/mini';
import { defineRoutes } from '../shared/http/route';
import { IdParams } from '../shared/schemas';
import { CreateShipmentBody, PartnerShipments, PartnerTrackingEvent, Shipment, ShipmentWithEvents, TrackingEvent, TrackingEventBody } from './schemas';

const OrderParams = z.lazy(() => z.strictObject({ id: IdParams.shape.id }));

export const logisticsRoutes = defineRoutes([
  {
    operationId: 'createShipment',
    api: 'admin',
    method: 'POST',
    path: '/orders/{id}/shipments',
    module: 'logistics',
    summary: 'Ship a paid or fulfilling order: the order becomes shipped and its reserved stock leaves the warehouse',
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
    summary: 'A shipment with its tracking events',
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
    summary: 'Record a tracking event; delivered moves the order to delivered',
    access: { permission: 'shipments:write' },
    params: IdParams,
    body: TrackingEventBody,
    idempotencyKey: 'optional',
    responses: { 201: TrackingEvent },
  },
  {
    operationId: 'partnerListOrderShipments',
    api: 'partner',
    method: 'GET',
    path: '/orders/{id}/shipments',
    module: 'logistics',
    summary: "The shipments of one of the calling partner's orders, with carrier, tracking number, status and tracking events (another partner's order is 404)",
    access: { scope: 'orders:read' },
    params: OrderParams,
    responses: { 200: PartnerShipments },
  },
  {
    operationId: 'partnerCreateTrackingEvent',
    api: 'partner',
    method: 'POST',
    path: '/shipments/{id}/events',
    module: 'logistics',
    summary: 'Record a tracking event for a shipment you carry (Idempotency-Key required; other shipments are 404)',
    access: { scope: 'shipments:write' },
    params: IdParams,
    body: TrackingEventBody,
    idempotencyKey: 'required',
    responses: { 201: PartnerTrackingEvent },
  },
]);
