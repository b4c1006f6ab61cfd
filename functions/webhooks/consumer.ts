import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import pLimit from 'p-limit';
import { findPartner, queryPartners } from '../iam/partner-repository';
import { partnerShipmentOf } from '../logistics/shipments';
import { now } from '../shared/clock';
import { webhookKeys } from '../shared/keys';
import { logger } from '../shared/logger';
import { eventsOf, type DerivedEvent } from './events';
import { queryPartnerEndpoints } from './endpoint-repository';
import { recordEvent } from './event-repository';
import { RETENTION_DAYS, type DeliveryMessage, type PartnerEventRecord, type WebhookDeliveryRecord } from './model';
import { deliveryQueue } from './queue';

/**
 * The partner events consumer (docs/modules/webhooks.md#delivery): each change of an order, a
 * shipment, a product or a piece of content becomes the events of the catalogue; each event is
 * written to the feed of every partner entitled to it together with one pending delivery per
 * endpoint of that partner subscribed to its type (one transaction per partner), then the deliveries
 * are queued. A redelivered stream record finds its events written and queues their deliveries again:
 * the delivery worker skips what already succeeded, and a receiver sees the same `webhook-id`.
 */

/**
 * Partners and their scopes change rarely: a batch lists them at most once per this many ms (an
 * order's partner missing from the list is read on its own). Endpoints are read per event, so a new
 * endpoint receives the very next change.
 */
const PARTNERS_TTL_MS = 5_000;
const MAX_PARTNERS = 1_000;

interface Recipient {
  partnerId: string;
  scopes: string[];
}

let directory: { at: number; partners: Map<string, Recipient> } | undefined;

async function activePartners(): Promise<Map<string, Recipient>> {
  if (directory && now() - directory.at < PARTNERS_TTL_MS) return directory.partners;
  const partners = new Map<string, Recipient>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await queryPartners(100, startKey);
    for (const partner of page.items) {
      if (!partner.deletedAt && partner.status === 'active') partners.set(partner.id, { partnerId: partner.id, scopes: partner.scopes });
    }
    startKey = page.lastKey;
  } while (startKey && partners.size < MAX_PARTNERS);
  directory = { at: now(), partners };
  return partners;
}

async function audienceOf(event: DerivedEvent): Promise<Recipient[]> {
  const partners = await activePartners();
  if ('partnerId' in event.audience) {
    const known = partners.get(event.audience.partnerId);
    if (known) return [known];
    const partner = await findPartner(event.audience.partnerId);
    return partner && !partner.deletedAt && partner.status === 'active' ? [{ partnerId: partner.id, scopes: partner.scopes }] : [];
  }
  const scope = event.audience.scope;
  return [...partners.values()].filter((partner) => partner.scopes.includes(scope));
}

async function deliverEvent(event: DerivedEvent): Promise<DeliveryMessage[]> {
  const ttl = Math.floor(Date.parse(event.at) / 1000) + RETENTION_DAYS * 24 * 3600;
  const payload = JSON.stringify({ type: event.type, timestamp: event.at, data: event.data });
  const sortKey = webhookKeys.eventSortKey(event.at, event.id);
  const messages: DeliveryMessage[] = [];
  for (const partner of await audienceOf(event)) {
    const { items } = await queryPartnerEndpoints(partner.partnerId, 100);
    const endpoints = items.filter((endpoint) => endpoint.enabled && !endpoint.deletedAt && endpoint.eventTypes.includes(event.type));
    const record: PartnerEventRecord = { eventId: event.id, partnerId: partner.partnerId, type: event.type, at: event.at, payload, ttl };
    const deliveries: WebhookDeliveryRecord[] = endpoints.map((endpoint) => ({
      endpointId: endpoint.id,
      partnerId: partner.partnerId,
      eventId: event.id,
      type: event.type,
      at: event.at,
      payload,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: event.at,
      ttl,
    }));
    const fresh = await recordEvent(record, deliveries);
    // On a redelivery the deliveries written the first time are queued again (the worker skips finished ones).
    const queued = fresh ? deliveries.map((delivery) => delivery.endpointId) : endpoints.map((endpoint) => endpoint.id);
    messages.push(...queued.map((endpointId) => ({ endpointId, eventSortKey: sortKey })));
  }
  return messages;
}

/** Resources of a batch processed at once (each resource's changes stay in order). */
const RESOURCE_CONCURRENCY = 8;

async function processRecord(record: DynamoDBRecord): Promise<void> {
  const events = await eventsOf(record, { partnerShipment: partnerShipmentOf });
  if (events.length === 0) return;
  const messages: DeliveryMessage[] = [];
  for (const derived of events) messages.push(...(await deliverEvent(derived)));
  if (messages.length > 0) await deliveryQueue().send(messages);
  logger.debug('Partner events: record processed', { eventId: record.eventID, events: events.map((e) => e.type), deliveries: messages.length });
}

/**
 * The batch's records by resource (their partition key), each resource's in stream order and
 * different resources at once; the failure of each record not processed. Once a record of a
 * resource fails, its later ones fail too, so the feed never shows a resource's changes out of order.
 */
async function processBatch(records: readonly DynamoDBRecord[]): Promise<Map<DynamoDBRecord, Error>> {
  const failures = new Map<DynamoDBRecord, Error>();
  const resources = new Map<string, DynamoDBRecord[]>();
  for (const record of records) {
    const key = JSON.stringify(record.dynamodb?.Keys?.pk ?? record.eventID);
    resources.set(key, [...(resources.get(key) ?? []), record]);
  }
  const limit = pLimit(RESOURCE_CONCURRENCY);
  await Promise.all(
    [...resources.values()].map((ofResource) =>
      limit(async () => {
        for (const [index, record] of ofResource.entries()) {
          try {
            await processRecord(record);
          } catch (error) {
            const failure = error instanceof Error ? error : new Error(String(error));
            logger.warn('Partner events: could not process a change', { eventId: record.eventID, error: failure.message });
            for (const later of ofResource.slice(index)) failures.set(later, failure);
            return;
          }
        }
      }),
    ),
  );
  return failures;
}

export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  const failures = await processBatch(event.Records);
  // Powertools shapes the answer: the failed records as batch item failures, or the whole batch failed when all did.
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return processPartialResponse(
    event,
    async (record: DynamoDBRecord) => {
      const failure = failures.get(record);
      if (failure) throw failure;
    },
    processor,
    { context, processInParallel: false },
  );
};
