import type * as z from 'zod/mini';
import { PartnerProduct } from '../catalog/schemas';
import { PartnerContent } from '../content/schemas';
import { PartnerShipment } from '../logistics/schemas';
import { PartnerOrder } from '../orders/schemas';
import type { WebhookSpec } from '../shared/http/openapi';
import { EVENT_TYPES, type EventTypeDefinition } from './catalogue';

const DATA_SCHEMAS: Record<EventTypeDefinition['schema'], z.ZodMiniType> = { PartnerOrder, PartnerProduct, PartnerContent, PartnerShipment };

/** The event catalogue as the partner OpenAPI document's `webhooks` (OpenAPI 3.1). */
export const partnerWebhooks: readonly WebhookSpec[] = EVENT_TYPES.map((definition) => ({
  name: definition.type,
  description: definition.description,
  audience: 'scope' in definition.audience ? `partners holding \`${definition.audience.scope}\`` : 'the partner that placed the order',
  data: DATA_SCHEMAS[definition.schema],
}));
