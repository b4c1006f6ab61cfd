import { ConditionFailed } from '../shared/conditional';
import { tableName } from '../shared/db';
import { queryPage, updateRecord } from '../shared/item-repository';
import { webhookKeys } from '../shared/keys';
import { buildUpdate } from '../shared/update-expression';
import { TransactionCancelled, transactWrite, type NamedAction } from '../shared/transaction-repository';
import type { PartnerEventRecord, WebhookDeliveryRecord } from './model';

const EVENT_ACTION = 'event';

/**
 * A partner's event and its deliveries to the partner's endpoints, in one transaction. The event's
 * key is derived from the stream record, so a redelivered record finds it there: `false`, nothing
 * written (its deliveries were written with it the first time).
 */
export async function recordEvent(event: PartnerEventRecord, deliveries: readonly WebhookDeliveryRecord[]): Promise<boolean> {
  const sortKey = webhookKeys.eventSortKey(event.at, event.eventId);
  const actions: NamedAction[] = [
    {
      name: EVENT_ACTION,
      action: {
        Put: {
          TableName: tableName(),
          Item: { ...webhookKeys.event(event.partnerId, event.at, event.eventId), entityType: 'partner_event', ...event },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    },
    ...deliveries.map((delivery) => ({
      name: `delivery:${delivery.endpointId}`,
      action: {
        Put: {
          TableName: tableName(),
          Item: { ...webhookKeys.delivery(delivery.endpointId, sortKey), entityType: 'webhook_delivery', ...delivery },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    })),
  ];
  try {
    await transactWrite(actions);
    return true;
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failed(EVENT_ACTION)) return false;
    throw error;
  }
}

/** A partner's events after the cursor's sort key, oldest first: one Query. */
export function queryFeed(partnerId: string, afterSortKey: string | undefined, limit: number) {
  return queryPage<PartnerEventRecord>({
    partition: webhookKeys.eventsPartition(partnerId),
    ...(afterSortKey ? { sortRange: { lower: `${afterSortKey}\u0000`, upper: '~' } } : {}),
    limit,
    descending: false,
  });
}

/** An endpoint's deliveries, newest first: one Query. */
export function queryDeliveries(endpointId: string, limit: number, startKey?: Record<string, unknown>) {
  return queryPage<WebhookDeliveryRecord>({ partition: webhookKeys.deliveriesPartition(endpointId), limit, startKey });
}

/** An endpoint's failed deliveries of events since `at`, oldest first (one Query page). */
export function queryFailedDeliveriesSince(endpointId: string, at: string, limit: number, startKey?: Record<string, unknown>) {
  return queryPage<WebhookDeliveryRecord>({
    partition: webhookKeys.deliveriesPartition(endpointId),
    sortRange: { lower: webhookKeys.sinceSortKey(at), upper: '~' },
    limit,
    startKey,
    descending: false,
    filter: { expression: '#status = :failed', names: { '#status': 'status' }, values: { ':failed': 'failed' } },
  });
}

/**
 * Puts a finished delivery back in line (a replay): pending, due now, its schedule restarted. A
 * delivery still pending is left to its retries.
 */
export async function reopenDelivery(endpointId: string, sortKey: string, at: string): Promise<'reopened' | 'pending' | 'absent'> {
  const update = buildUpdate({ set: { status: 'pending', nextAttemptAt: at, attempts: 0 }, remove: ['lastError'] });
  try {
    await updateRecord<WebhookDeliveryRecord>(
      webhookKeys.delivery(endpointId, sortKey),
      {
        ...update,
        ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#status': 'status' },
        ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':pending': 'pending' },
      },
      'attribute_exists(pk) AND #status <> :pending',
    );
    return 'reopened';
  } catch (error) {
    if (error instanceof ConditionFailed) return error.current ? 'pending' : 'absent';
    throw error;
  }
}
