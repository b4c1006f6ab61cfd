import * as z from 'zod/mini';
import { Actor, described, Id, Pagination, Timestamp } from '../shared/schemas';
import { EVENT_TYPE_NAMES } from './catalogue';

const EventTypeName = z.lazy(() => z.enum(EVENT_TYPE_NAMES));
const EventTypes = z.lazy(() => described(z.array(EventTypeName).check(z.minLength(1), z.maxLength(EVENT_TYPE_NAMES.length)), 'Event types the endpoint receives'));
const Url = z.lazy(() => described(z.url().check(z.maxLength(2000)), 'https URL the events are POSTed to'));
const Description = z.lazy(() => z.string().check(z.maxLength(500)));

export const WebhookParams = z.lazy(() => z.strictObject({ id: Id }));
export const PartnerWebhookParams = z.lazy(() => z.strictObject({ id: Id, webhookId: Id }));

export const CreateWebhookBody = z.lazy(() =>
  z.strictObject({ url: Url, eventTypes: EventTypes, description: z.optional(Description), enabled: z.optional(z.boolean()) }),
);
export const UpdateWebhookBody = z.lazy(() =>
  z
    .strictObject({ url: z.optional(Url), eventTypes: z.optional(EventTypes), description: z.optional(Description), enabled: z.optional(z.boolean()) })
    .check(z.refine((body) => Object.keys(body).length > 0, { message: 'Give at least one field to change' })),
);
export const RotateSecretBody = z.lazy(() =>
  z.strictObject({
    overlapSeconds: z.optional(
      described(z.int().check(z.minimum(0), z.maximum(7 * 24 * 3600)), 'How long the old secret keeps signing beside the new one (default 24 h)'),
    ),
  }),
);
export const ReplayBody = z.lazy(() =>
  z
    .strictObject({
      eventId: z.optional(described(z.string().check(z.regex(/^msg_\d{13}[A-Za-z0-9_-]{20}$/, 'Must be an event id (msg_…)')), 'Send this event again')),
      since: z.optional(described(Timestamp, 'Send again every failed delivery of an event since this time')),
    })
    .check(z.refine((body) => (body.eventId === undefined) !== (body.since === undefined), { message: 'Give either eventId or since' })),
);
export const ListWebhooksQuery = z.lazy(() => z.strictObject({ ...Pagination }));
export const ListDeliveriesQuery = z.lazy(() => z.strictObject({ ...Pagination }));
export const ListEventsQuery = z.lazy(() =>
  z.strictObject({
    after: z.optional(described(z.string().check(z.minLength(1), z.maxLength(2048)), 'The `nextCursor` of the page before; absent: the oldest retained event')),
    limit: Pagination.limit,
  }),
);

export const Webhook = z.lazy(() =>
  z
    .object({
      id: Id,
      url: z.string(),
      description: z.optional(z.string()),
      eventTypes: z.array(z.string()),
      enabled: z.boolean(),
      disabledReason: described(z.optional(z.string()), 'Why delivery disabled the endpoint (410 Gone, or failing for a whole retry window)'),
      disabledAt: z.optional(Timestamp),
      failingSince: described(z.optional(Timestamp), 'The first failed attempt since the last success'),
      previousSecretExpiresAt: described(z.optional(Timestamp), 'During a rotation: until when the old secret signs too'),
      version: z.int(),
      createdAt: Timestamp,
      updatedAt: Timestamp,
      updatedBy: Actor,
    })
    .register(z.globalRegistry, { id: 'Webhook' }),
);
export const WebhookWithSecret = z.lazy(() =>
  z
    .object({
      webhook: Webhook,
      secret: described(z.string(), 'The signing secret (`whsec_…`): shown only in this answer'),
    })
    .register(z.globalRegistry, { id: 'WebhookWithSecret' }),
);

export const WebhookDelivery = z.lazy(() =>
  z
    .object({
      eventId: z.string(),
      type: z.string(),
      at: Timestamp,
      status: z.enum(['pending', 'succeeded', 'failed']),
      attempts: z.int(),
      lastAttemptAt: z.optional(Timestamp),
      lastStatusCode: z.optional(z.int()),
      lastError: z.optional(z.string()),
      lastLatencyMs: z.optional(z.int()),
      nextAttemptAt: z.optional(Timestamp),
    })
    .register(z.globalRegistry, { id: 'WebhookDelivery' }),
);
export const ReplayResult = z.lazy(() =>
  z.object({ replayed: described(z.int(), 'Deliveries queued again (same webhook-id)') }).register(z.globalRegistry, { id: 'WebhookReplay' }),
);

export const PartnerEvent = z.lazy(() =>
  z
    .object({
      id: described(z.string(), 'The `webhook-id` of the same event when delivered to a webhook'),
      type: z.string(),
      timestamp: Timestamp,
      data: described(z.record(z.string(), z.unknown()), 'The resource as the partner API returns it'),
    })
    .register(z.globalRegistry, { id: 'PartnerEvent' }),
);
export const EventPage = z.lazy(() =>
  z
    .object({
      items: z.array(PartnerEvent),
      nextCursor: described(z.string(), 'Pass as `after` to continue; an empty page returns the same cursor to poll again'),
    })
    .register(z.globalRegistry, { id: 'PartnerEventPage' }),
);

export type CreateWebhookInput = z.infer<typeof CreateWebhookBody>;
export type UpdateWebhookInput = z.infer<typeof UpdateWebhookBody>;
export type Webhook = z.infer<typeof Webhook>;
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;
export type PartnerEvent = z.infer<typeof PartnerEvent>;
