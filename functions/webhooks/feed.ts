import { nowIso } from '../shared/clock';
import { decodeCursor, encodeCursor } from '../shared/cursor';
import { badRequest, notFound } from '../shared/errors';
import { webhookKeys } from '../shared/keys';
import { ownEndpoint } from './endpoints';
import { sortKeyOfEventId } from './events';
import { queryDeliveries, queryFailedDeliveriesSince, queryFeed, reopenDelivery } from './event-repository';
import type { DeliveryMessage, WebhookDeliveryRecord } from './model';
import { deliveryQueue } from './queue';
import type { PartnerEvent, WebhookDelivery } from './schemas';

/**
 * What a partner reads of its events (docs/modules/webhooks.md#feed): the event feed, an endpoint's
 * delivery log, and replays.
 */

/** Replays of "everything failed since" queue at most this many deliveries per call. */
export const MAX_REPLAY = 100;

/**
 * The partner's events after a cursor, oldest first: one Query. The cursor is the last event's sort
 * key, signed for this partner's feed; an empty page hands the same cursor back to poll with.
 */
export async function listEvents(partnerId: string, after: string | undefined, limit: number): Promise<{ items: PartnerEvent[]; nextCursor: string }> {
  const binding = `events|${partnerId}`;
  const afterKey = after === undefined ? undefined : decodeCursor(after, binding);
  const page = await queryFeed(partnerId, afterKey?.sk as string | undefined, limit);
  const items = page.items.map((record) => {
    const envelope = JSON.parse(record.payload) as { type: string; timestamp: string; data: Record<string, unknown> };
    return { id: record.eventId, type: envelope.type, timestamp: envelope.timestamp, data: envelope.data };
  });
  const last = page.items.at(-1);
  const lastKey = last ? { sk: webhookKeys.eventSortKey(last.at, last.eventId) } : afterKey;
  return { items, nextCursor: encodeCursor(lastKey ?? { sk: '' }, binding)! };
}

function toDelivery(record: WebhookDeliveryRecord): WebhookDelivery {
  const { eventId, type, at, status, attempts, lastAttemptAt, lastStatusCode, lastError, lastLatencyMs, nextAttemptAt } = record;
  return {
    eventId,
    type,
    at,
    status,
    attempts,
    ...(lastAttemptAt === undefined ? {} : { lastAttemptAt }),
    ...(lastStatusCode === undefined ? {} : { lastStatusCode }),
    ...(lastError === undefined ? {} : { lastError }),
    ...(lastLatencyMs === undefined ? {} : { lastLatencyMs: Math.round(lastLatencyMs) }),
    ...(nextAttemptAt === undefined || status !== 'pending' ? {} : { nextAttemptAt }),
  };
}

export async function listDeliveries(partnerId: string, endpointId: string, limit: number, cursor: string | undefined) {
  await ownEndpoint(partnerId, endpointId);
  const binding = `deliveries|${endpointId}`;
  const page = await queryDeliveries(endpointId, limit, decodeCursor(cursor, binding));
  return { items: page.items.map(toDelivery), nextCursor: encodeCursor(page.lastKey, binding) };
}

/**
 * Sends an event again, or every failed delivery since a time, with the same `webhook-id` so that
 * receivers deduplicate. A delivery whose retries are still under way is left to them.
 */
export async function replay(partnerId: string, endpointId: string, input: { eventId?: string; since?: string }): Promise<{ replayed: number }> {
  const endpoint = await ownEndpoint(partnerId, endpointId);
  if (!endpoint.enabled) throw badRequest('The webhook is disabled: enable it before replaying');
  const at = nowIso();
  const messages: DeliveryMessage[] = [];
  if (input.eventId !== undefined) {
    const sortKey = sortKeyOfEventId(input.eventId);
    const outcome = await reopenDelivery(endpointId, sortKey, at);
    if (outcome === 'absent') throw notFound('Delivery');
    if (outcome === 'reopened') messages.push({ endpointId, eventSortKey: sortKey });
  } else {
    const { items } = await queryFailedDeliveriesSince(endpointId, input.since!, MAX_REPLAY);
    for (const item of items) {
      const sortKey = webhookKeys.eventSortKey(item.at, item.eventId);
      if ((await reopenDelivery(endpointId, sortKey, at)) === 'reopened') messages.push({ endpointId, eventSortKey: sortKey });
    }
  }
  if (messages.length > 0) await deliveryQueue().send(messages);
  return { replayed: messages.length };
}
