import * as z from 'zod/mini';
import { Actor, Id, Timestamp, described } from '../shared/schemas';

export const TRACKING_EVENT_TYPES = ['in_transit', 'out_for_delivery', 'delivered', 'exception'] as const;
export const TrackingEventType = z.lazy(() => z.enum(TRACKING_EVENT_TYPES));
export const SHIPMENT_STATUSES = ['created', ...TRACKING_EVENT_TYPES] as const;
export const ShipmentStatus = z.lazy(() => z.enum(SHIPMENT_STATUSES));

export const CreateShipmentBody = z.lazy(() =>
  z.strictObject({
    carrier: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
    trackingNumber: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
    carrierPartnerId: described(z.optional(Id), 'The carrier partner allowed to post tracking events through the partner API'),
  }),
);

export const TrackingEventBody = z.lazy(() =>
  z.strictObject({
    type: TrackingEventType,
    at: described(z.optional(Timestamp), "When it happened (the carrier's time); defaults to now"),
    location: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  }),
);

export const TrackingEvent = z
  .object({
    id: Id,
    shipmentId: Id,
    type: TrackingEventType,
    at: Timestamp,
    location: z.optional(z.string()),
    recordedAt: Timestamp,
    recordedBy: Actor,
  })
  .register(z.globalRegistry, { id: 'TrackingEvent' });

export const Shipment = z
  .object({
    id: Id,
    orderId: Id,
    status: ShipmentStatus,
    carrier: z.string(),
    trackingNumber: z.string(),
    carrierPartnerId: z.optional(Id),
    version: z.int().check(z.minimum(1)),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    updatedBy: Actor,
  })
  .register(z.globalRegistry, { id: 'Shipment' });

export const ShipmentWithEvents = z
  .extend(Shipment, { events: z.array(TrackingEvent) })
  .register(z.globalRegistry, { id: 'ShipmentWithEvents' });

/** A tracking event as the ordering partner sees it: no internal actor ids. */
export const PartnerShipmentEvent = z.lazy(() =>
  z.object({
    id: Id,
    type: TrackingEventType,
    at: described(Timestamp, "When it happened (the carrier's time)"),
    location: z.optional(z.string()),
  }),
);

/** A shipment of one of the calling partner's orders: carrier, tracking number, status and events (oldest first). */
export const PartnerShipment = z
  .object({
    id: Id,
    orderId: Id,
    status: ShipmentStatus,
    carrier: z.string(),
    trackingNumber: z.string(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    events: z.array(PartnerShipmentEvent),
  })
  .register(z.globalRegistry, { id: 'PartnerShipment' });

export const PartnerShipments = z.lazy(() => z.object({ items: z.array(PartnerShipment) }).register(z.globalRegistry, { id: 'PartnerShipments' }));

/** What a carrier partner gets back for an event it posted. */
export const PartnerTrackingEvent = z.omit(TrackingEvent, { recordedBy: true }).register(z.globalRegistry, { id: 'PartnerTrackingEvent' });

export type Shipment = z.infer<typeof Shipment>;
export type PartnerShipment = z.infer<typeof PartnerShipment>;
export type ShipmentStatus = z.infer<typeof ShipmentStatus>;
export type TrackingEvent = z.infer<typeof TrackingEvent>;
export type TrackingEventType = z.infer<typeof TrackingEventType>;
