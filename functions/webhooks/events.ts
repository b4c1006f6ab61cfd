import { createHash } from 'node:crypto';
import type { DynamoDBRecord } from 'aws-lambda';
import type { ProductRecord } from '../catalog/product-repository';
import { toPartnerProduct, toProduct } from '../catalog/products';
import type { ContentRecord } from '../content/content-repository';
import { toPartnerContent } from '../content/content';
import type { PartnerShipment } from '../logistics/schemas';
import type { OrderRecord } from '../orders/order-repository';
import { toOrder } from '../orders/order-state';
import type { Scope } from '../shared/auth/permissions';
import { webhookKeys } from '../shared/keys';
import { imagesOf } from '../shared/stream-images';
import type { EventType } from './catalogue';

/**
 * Partner events from the table stream (docs/modules/webhooks.md#events): which changes of an order,
 * a shipment, a product or a piece of content make which event, with the partner view of the
 * resource after the change. Pure except for a shipment, whose view holds its tracking events and
 * whose partner is its order's (read through `sources`).
 */
export interface DerivedEvent {
  /** `msg_…` from the stream record's eventID and the type: a redelivered record makes the same id. */
  id: string;
  type: EventType;
  /** When the change happened: the item's `updatedAt` (or `createdAt`). */
  at: string;
  data: Record<string, unknown>;
  audience: { partnerId: string } | { scope: Scope };
}

export interface EventSources {
  partnerShipment(shipmentId: string): Promise<{ partnerId: string; shipment: PartnerShipment } | undefined>;
}

type Image = Record<string, unknown>;

/**
 * `msg_<epoch ms of the change, 13 digits><20 characters of a hash of the stream record's eventID and
 * the type>`: stable per change, and it names the event's place in the feed (sortKeyOfEventId).
 */
export function eventIdOf(streamEventId: string, type: string, at: string): string {
  const hash = createHash('sha256').update(`${streamEventId}:${type}`).digest('base64url').slice(0, 20);
  return `msg_${String(Date.parse(at)).padStart(13, '0')}${hash}`;
}

/** The feed and delivery sort key of an event, from its id alone. */
export function sortKeyOfEventId(eventId: string): string {
  return webhookKeys.eventSortKey(new Date(Number(eventId.slice(4, 17))).toISOString(), eventId);
}

const ORDER_STATUS_EVENTS: Partial<Record<string, EventType>> = {
  paid: 'order.paid',
  fulfilling: 'order.fulfilling',
  shipped: 'order.shipped',
  delivered: 'order.delivered',
  completed: 'order.completed',
  cancelled: 'order.cancelled',
};

function orderEvents(before: Image | undefined, after: Image): EventType[] {
  if (!before) return ['order.created'];
  const types: EventType[] = [];
  const statusEvent = before.status !== after.status ? ORDER_STATUS_EVENTS[String(after.status)] : undefined;
  if (statusEvent) types.push(statusEvent);
  if (Number(after.refundedAmount ?? 0) > Number(before.refundedAmount ?? 0)) types.push('order.refunded');
  return types;
}

/** The order as its partner reads it (GET /partner/v1/orders/{id}): no staff actor. */
function partnerOrder(image: Image): Record<string, unknown> {
  const { updatedBy: _u, ...order } = toOrder(image as unknown as OrderRecord);
  return order;
}

/** What partners may order of a product: its available stock while it is active and not deleted, else 0. */
function orderable(image: Image | undefined): number {
  if (!image || image.status !== 'active' || image.deletedAt) return 0;
  return toProduct(image as unknown as ProductRecord).stock.available;
}

function productEvents(before: Image | undefined, after: Image): EventType[] {
  const types: EventType[] = [];
  const price = (image: Image | undefined) => JSON.stringify(image?.price ?? null);
  if (before && after.status === 'active' && !after.deletedAt && price(before) !== price(after)) types.push('product.price_changed');
  if (orderable(before) !== orderable(after)) types.push('product.availability_changed');
  return types;
}

function partnerProduct(image: Image): Record<string, unknown> {
  return { ...toPartnerProduct(toProduct(image as unknown as ProductRecord)), available: orderable(image) };
}

function publishedVersion(image: Image | undefined): number | undefined {
  return (image?.published as { version?: number } | undefined)?.version;
}

/** The time of the change the image shows. */
function changedAt(image: Image): string {
  return String(image.updatedAt ?? image.createdAt);
}

export async function eventsOf(record: DynamoDBRecord, sources: EventSources): Promise<DerivedEvent[]> {
  if (record.eventName === 'REMOVE' || !record.eventID) return [];
  const { before, after } = imagesOf(record);
  if (!after) return [];
  const event = (type: EventType, data: Record<string, unknown>, audience: DerivedEvent['audience']): DerivedEvent => ({
    id: eventIdOf(record.eventID!, type, changedAt(after)),
    type,
    at: changedAt(after),
    data,
    audience,
  });

  switch (after.entityType) {
    case 'order': {
      const partnerId = after.partnerId as string | undefined;
      if (!partnerId) return [];
      const data = partnerOrder(after);
      return orderEvents(before, after).map((type) => event(type, data, { partnerId }));
    }
    case 'product':
      return productEvents(before, after).map((type) => event(type, partnerProduct(after), { scope: 'catalog:read' }));
    case 'content': {
      const now = publishedVersion(after);
      const was = publishedVersion(before);
      if (now !== undefined && now !== was) return [event('content.published', toPartnerContent(after as unknown as ContentRecord), { scope: 'content:read' })];
      if (now === undefined && was !== undefined) return [event('content.unpublished', toPartnerContent(before as unknown as ContentRecord), { scope: 'content:read' })];
      return [];
    }
    case 'shipment': {
      if (!before || before.lastEventAt === after.lastEventAt) return [];
      const found = await sources.partnerShipment(String(after.id));
      return found ? [event('shipment.tracking_updated', found.shipment, { partnerId: found.partnerId })] : [];
    }
    default:
      return [];
  }
}

/** The entity types whose changes can make an event (the events consumer's event source filter). */
export const EVENT_SOURCE_TYPES = ['order', 'product', 'content', 'shipment'] as const;
