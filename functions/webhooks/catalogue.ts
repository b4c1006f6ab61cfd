import type { Scope } from '../shared/auth/permissions';

/**
 * The partner event catalogue (docs/modules/webhooks.md#events). A type names what happened to which
 * resource; its payload's `data` is the partner API's own view of the resource. A change a receiver
 * could not parse as before gets a new type (`order.paid.v2`) beside the old one, never an edit of
 * it: `since` is the catalogue version that introduced the type.
 *
 * Who receives it: order and shipment events go to the partner that placed the order; catalog and
 * content events to every partner holding the read scope named here.
 */
export interface EventTypeDefinition {
  type: string;
  description: string;
  /** The partner view in `data` (a schema id of the partner OpenAPI document). */
  schema: 'PartnerOrder' | 'PartnerProduct' | 'PartnerContent' | 'PartnerShipment';
  audience: { owner: 'order' } | { scope: Scope };
  since: number;
}

const ORDER_OWNER = { owner: 'order' } as const;

export const EVENT_TYPES = [
  { type: 'order.created', schema: 'PartnerOrder', audience: ORDER_OWNER, since: 1, description: 'You placed an order; it waits for payment.' },
  { type: 'order.paid', schema: 'PartnerOrder', audience: ORDER_OWNER, since: 1, description: 'Your order is paid in full.' },
  { type: 'order.fulfilling', schema: 'PartnerOrder', audience: ORDER_OWNER, since: 1, description: 'The warehouse started picking your order.' },
  { type: 'order.shipped', schema: 'PartnerOrder', audience: ORDER_OWNER, since: 1, description: 'Your order left the warehouse; its shipment is named in `shipmentId`.' },
  { type: 'order.delivered', schema: 'PartnerOrder', audience: ORDER_OWNER, since: 1, description: 'The carrier delivered your order.' },
  { type: 'order.completed', schema: 'PartnerOrder', audience: ORDER_OWNER, since: 1, description: 'Your order is complete.' },
  { type: 'order.cancelled', schema: 'PartnerOrder', audience: ORDER_OWNER, since: 1, description: 'Your order was cancelled (`cancelReason` says why); its stock was released.' },
  { type: 'order.refunded', schema: 'PartnerOrder', audience: ORDER_OWNER, since: 1, description: 'Money was refunded on your order: `refunded` is the total so far.' },
  {
    type: 'shipment.tracking_updated',
    schema: 'PartnerShipment',
    audience: ORDER_OWNER,
    since: 1,
    description: 'The shipment of your order has a new tracking event (its events, oldest first).',
  },
  { type: 'product.price_changed', schema: 'PartnerProduct', audience: { scope: 'catalog:read' }, since: 1, description: 'An active product has a new price.' },
  {
    type: 'product.availability_changed',
    schema: 'PartnerProduct',
    audience: { scope: 'catalog:read' },
    since: 1,
    description: 'The stock available to order changed, or the product was listed or delisted (delisted: `available` is 0).',
  },
  { type: 'content.published', schema: 'PartnerContent', audience: { scope: 'content:read' }, since: 1, description: 'A piece of content was published (first time or a new version).' },
  { type: 'content.unpublished', schema: 'PartnerContent', audience: { scope: 'content:read' }, since: 1, description: 'A piece of content was taken offline; `data` is the copy that was published.' },
] as const satisfies readonly EventTypeDefinition[];

export type EventType = (typeof EVENT_TYPES)[number]['type'];

export const EVENT_TYPE_NAMES = EVENT_TYPES.map((definition) => definition.type) as [EventType, ...EventType[]];

const BY_TYPE = new Map<string, EventTypeDefinition>(EVENT_TYPES.map((definition) => [definition.type, definition]));

/** Whether a partner holding `scopes` may receive events of `type` at all (order events: its own orders only). */
export function mayReceive(type: string, scopes: readonly string[]): boolean {
  const definition = BY_TYPE.get(type);
  if (!definition) return false;
  return 'scope' in definition.audience ? scopes.includes(definition.audience.scope) : scopes.includes('orders:read');
}
