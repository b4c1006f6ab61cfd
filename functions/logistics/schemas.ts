import * as z from 'zod';
import { Actor, Id, Timestamp } from '../shared/schemas';

export const TRACKING_EVENT_TYPES = ['in_transit', 'out_for_delivery', 'delivered', 'exception'] as const;
export const TrackingEventType = z.lazy(() => z.enum(TRACKING_EVENT_TYPES));
export const SHIPMENT_STATUSES = ['created', ...TRACKING_EVENT_TYPES] as const;
export const ShipmentStatus = z.lazy(() => z.enum(SHIPMENT_STATUSES));

export const CreateShipmentBody = z.lazy(() =>
  z.strictObject({
    carrier: z.string().trim().min(1).max(100),
    trackingNumber: z.string().trim().min(1).max(100),
    carrierPartnerId: Id.optional().describe('The carrier partner allowed to post tracking events through the partner API'),
  }),
);

export const TrackingEventBody = z.lazy(() =>
  z.strictObject({
    type: TrackingEventType,
    at: Timestamp.optional().describe("When it happened (the carrier's time); defaults to now"),
    location: z.string().trim().min(1).max(200).optional(),
  }),
);

export const TrackingEvent = z
  .object({
    id: Id,
    shipmentId: Id,
    type: TrackingEventType,
    at: Timestamp,
    location: z.string().optional(),
    recordedAt: Timestamp,
    recordedBy: Actor,
  })
  .meta({ id: 'TrackingEvent' });

export const Shipment = z
  .object({
    id: Id,
    orderId: Id,
    status: ShipmentStatus,
    carrier: z.string(),
    trackingNumber: z.string(),
    carrierPartnerId: Id.optional(),
    version: z.int().min(1),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    updatedBy: Actor,
  })
  .meta({ id: 'Shipment' });

export const ShipmentWithEvents = Shipment.extend({ events: z.array(TrackingEvent) }).meta({ id: 'ShipmentWithEvents' });

/** What a carrier partner gets back for an event it posted. */
export const PartnerTrackingEvent = TrackingEvent.omit({ recordedBy: true }).meta({ id: 'PartnerTrackingEvent' });

export type Shipment = z.infer<typeof Shipment>;
export type ShipmentStatus = z.infer<typeof ShipmentStatus>;
export type TrackingEvent = z.infer<typeof TrackingEvent>;
export type TrackingEventType = z.infer<typeof TrackingEventType>;
