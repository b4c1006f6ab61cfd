import * as z from 'zod/mini';
import { defineRoutes } from '../shared/http/route';
import { IdParams, page } from '../shared/schemas';
import {
  CreateWebhookBody,
  EventPage,
  ListDeliveriesQuery,
  ListEventsQuery,
  ListWebhooksQuery,
  PartnerWebhookParams,
  ReplayBody,
  ReplayResult,
  RotateSecretBody,
  UpdateWebhookBody,
  Webhook,
  WebhookDelivery,
  WebhookParams,
  WebhookWithSecret,
} from './schemas';

const webhooks = { module: 'webhooks' } as const;
const partner = { ...webhooks, api: 'partner', access: { scope: 'webhooks:manage' } } as const;
const staffReads = { ...webhooks, api: 'admin', access: { permission: 'partners:read' } } as const;
const staffWrites = { ...webhooks, api: 'admin', access: { permission: 'partners:write' } } as const;
const DeliveryPage = z.lazy(() => page(WebhookDelivery));

/** Partner events (docs/modules/webhooks.md): a partner's webhook endpoints and event feed, and the staff's view of them. */
export const webhookRoutes = defineRoutes([
  { ...partner, operationId: 'partnerCreateWebhook', method: 'POST', path: '/webhooks', summary: 'Create a webhook endpoint', description: 'Registers an https URL for some event types. The signing secret (`whsec_…`) is in this answer only. An event type your scopes do not cover, or a URL that is not a public https address, is 400; more than 10 endpoints is 409.', body: CreateWebhookBody, location: [201], responses: { 201: WebhookWithSecret } },
  { ...partner, operationId: 'partnerListWebhooks', method: 'GET', path: '/webhooks', summary: 'List your webhook endpoints', description: 'Your endpoints, newest first, with why delivery disabled one.', query: ListWebhooksQuery, responses: { 200: page(Webhook) } },
  { ...partner, operationId: 'partnerGetWebhook', method: 'GET', path: '/webhooks/{id}', summary: 'Get a webhook endpoint', description: 'One of your endpoints.', params: WebhookParams, responses: { 200: Webhook } },
  { ...partner, operationId: 'partnerUpdateWebhook', method: 'PATCH', path: '/webhooks/{id}', summary: 'Change a webhook endpoint', description: 'Changes the URL, event types, description or enabled flag; enabling clears why delivery disabled it.', params: WebhookParams, body: UpdateWebhookBody, ifMatch: 'optional', responses: { 200: Webhook } },
  { ...partner, operationId: 'partnerDeleteWebhook', method: 'DELETE', path: '/webhooks/{id}', summary: 'Delete a webhook endpoint', description: 'The endpoint receives nothing more; pending deliveries stop.', conflicts: false, params: WebhookParams, ifMatch: 'optional', responses: { 204: null } },
  { ...partner, operationId: 'partnerRotateWebhookSecret', method: 'POST', path: '/webhooks/{id}/rotate-secret', summary: 'Rotate the signing secret', description: 'A new secret, in this answer only; the old one keeps signing beside it (two signatures per delivery) for the overlap, 24 h unless given.', params: WebhookParams, body: RotateSecretBody, responses: { 200: WebhookWithSecret } },
  { ...partner, operationId: 'partnerListWebhookDeliveries', method: 'GET', path: '/webhooks/{id}/deliveries', summary: 'List deliveries', description: 'The endpoint’s deliveries of the last 30 days, newest first: event, attempts, last status code and latency, next attempt.', params: WebhookParams, query: ListDeliveriesQuery, responses: { 200: DeliveryPage } },
  { ...partner, operationId: 'partnerReplayWebhook', method: 'POST', path: '/webhooks/{id}/replay', summary: 'Send events again', description: 'Sends one event again (`eventId`), or every failed delivery of an event since a time (`since`, up to 100 per call), with the same `webhook-id`. A delivery still being retried is left to its retries; a disabled endpoint is 400.', params: WebhookParams, body: ReplayBody, responses: { 202: ReplayResult } },
  { ...webhooks, api: 'partner', access: { scope: 'events:read' }, operationId: 'partnerListEvents', method: 'GET', path: '/events', summary: 'Read your event feed', description: 'The events you are entitled to, oldest first, after the cursor of the previous page (retained 30 days): the same events, with the same ids, as the webhooks deliver. An empty page returns the cursor to poll again with.', query: ListEventsQuery, responses: { 200: EventPage } },
  { ...staffReads, operationId: 'listPartnerWebhooks', method: 'GET', path: '/partners/{id}/webhooks', summary: 'List a partner’s webhook endpoints', description: 'The partner’s endpoints, newest first, with why delivery disabled one.', params: IdParams, query: ListWebhooksQuery, responses: { 200: page(Webhook) } },
  { ...staffReads, operationId: 'getPartnerWebhook', method: 'GET', path: '/partners/{id}/webhooks/{webhookId}', summary: 'Get a partner’s webhook endpoint', description: 'One endpoint of the partner, with why delivery disabled it.', params: PartnerWebhookParams, responses: { 200: Webhook } },
  { ...staffWrites, operationId: 'createPartnerWebhook', method: 'POST', path: '/partners/{id}/webhooks', summary: 'Create a webhook endpoint for a partner', description: 'As the partner would: the signing secret is in this answer only, to hand over to the partner.', params: IdParams, body: CreateWebhookBody, location: [201], responses: { 201: WebhookWithSecret } },
  { ...staffWrites, operationId: 'updatePartnerWebhook', method: 'PATCH', path: '/partners/{id}/webhooks/{webhookId}', summary: 'Change a partner’s webhook endpoint', description: 'Changes the URL, event types, description or enabled flag (enabling clears why delivery disabled it).', params: PartnerWebhookParams, body: UpdateWebhookBody, ifMatch: 'optional', responses: { 200: Webhook } },
  { ...staffWrites, operationId: 'deletePartnerWebhook', method: 'DELETE', path: '/partners/{id}/webhooks/{webhookId}', summary: 'Delete a partner’s webhook endpoint', description: 'The endpoint receives nothing more.', conflicts: false, params: PartnerWebhookParams, ifMatch: 'optional', responses: { 204: null } },
  { ...staffReads, operationId: 'listPartnerWebhookDeliveries', method: 'GET', path: '/partners/{id}/webhooks/{webhookId}/deliveries', summary: 'List a partner endpoint’s deliveries', description: 'Deliveries of the last 30 days, newest first.', params: PartnerWebhookParams, query: ListDeliveriesQuery, responses: { 200: DeliveryPage } },
]);
