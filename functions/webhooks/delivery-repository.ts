import { ConditionFailed } from '../shared/conditional';
import { getRecord, updateRecord } from '../shared/item-repository';
import { webhookKeys, type PrimaryKey } from '../shared/keys';
import { buildUpdate, type UpdateParts } from '../shared/update-expression';
import { stampOf, type WriteContext } from '../shared/write-context';
import type { DeliveryMessage, WebhookDeliveryRecord, WebhookEndpointRecord } from './model';

/**
 * The delivery worker's reads and writes. Every write is conditional on the state it was decided
 * from, so two workers holding the same delivery (a redelivered message) never both record an
 * attempt: the loser learns it lost (`false`) and leaves the delivery to the winner.
 */

export function findDelivery(message: DeliveryMessage): Promise<WebhookDeliveryRecord | undefined> {
  return getRecord<WebhookDeliveryRecord>(webhookKeys.delivery(message.endpointId, message.eventSortKey));
}

export function findDeliveryEndpoint(endpointId: string): Promise<WebhookEndpointRecord | undefined> {
  return getRecord<WebhookEndpointRecord>(webhookKeys.endpoint(endpointId));
}

/** Runs one conditional update; false when its condition no longer holds. */
async function updateIf(key: PrimaryKey, update: UpdateParts, condition: string, values: Record<string, unknown>): Promise<boolean> {
  try {
    await updateRecord(key, { ...update, ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...values } }, condition);
    return true;
  } catch (error) {
    if (error instanceof ConditionFailed) return false;
    throw error;
  }
}

const PENDING_AT = 'attribute_exists(pk) AND #status = :pending AND attempts = :attempts';

function withStatusName(update: UpdateParts): UpdateParts {
  return { ...update, ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#status': 'status' } };
}

/**
 * Takes attempt number `attemptsMade + 1` of a pending delivery: counts it and holds the delivery
 * until `heldUntil`, so a copy of the message arriving meanwhile waits instead of posting too. A
 * worker that dies mid-attempt leaves the attempt counted; its message comes back after the hold.
 */
export function claimAttempt(message: DeliveryMessage, attemptsMade: number, at: string, heldUntil: string): Promise<boolean> {
  return updateIf(
    webhookKeys.delivery(message.endpointId, message.eventSortKey),
    withStatusName(buildUpdate({ set: { attempts: attemptsMade + 1, lastAttemptAt: at, nextAttemptAt: heldUntil } })),
    PENDING_AT,
    { ':pending': 'pending', ':attempts': attemptsMade },
  );
}

export interface AttemptOutcome {
  status: WebhookDeliveryRecord['status'];
  statusCode?: number;
  error?: string;
  latencyMs?: number;
  /** When the next attempt is due (pending only). */
  nextAttemptAt?: string;
}

/** Records the outcome of the attempt the caller claimed (the delivery is still at `attempts`). */
export function recordOutcome(message: DeliveryMessage, attempts: number, outcome: AttemptOutcome): Promise<boolean> {
  const set = { status: outcome.status, lastStatusCode: outcome.statusCode, lastError: outcome.error, lastLatencyMs: outcome.latencyMs, nextAttemptAt: outcome.nextAttemptAt };
  const remove = (['lastStatusCode', 'lastError', 'lastLatencyMs', 'nextAttemptAt'] as const).filter((field) => set[field] === undefined);
  return updateIf(
    webhookKeys.delivery(message.endpointId, message.eventSortKey),
    withStatusName(buildUpdate({ set, remove })),
    PENDING_AT,
    { ':pending': 'pending', ':attempts': attempts },
  );
}

/** Gives up a pending delivery without an attempt (its endpoint is disabled or deleted). */
export function abandonDelivery(message: DeliveryMessage, attempts: number, reason: string): Promise<boolean> {
  return recordOutcome(message, attempts, { status: 'failed', error: reason });
}

/**
 * Endpoint writes of the delivery side are stamped like any write (the audit log names
 * `system:webhooks`) and move the version: a partner's edit from before them gets a 412 and reloads.
 */
function endpointUpdate(set: Record<string, unknown>, ctx: WriteContext, remove: string[] = []): UpdateParts {
  return buildUpdate({ set: { ...set, ...stampOf(ctx) }, remove, increment: { version: 1 } });
}

function updateEndpointIf(endpointId: string, update: UpdateParts, condition: string, values: Record<string, unknown> = {}): Promise<boolean> {
  return updateIf(webhookKeys.endpoint(endpointId), update, condition, values);
}

const LIVE_ENDPOINT = 'attribute_exists(pk) AND attribute_not_exists(deletedAt)';

/** The first failure since the last success: the endpoint is failing since `since`. */
export function markEndpointFailing(endpointId: string, since: string, ctx: WriteContext): Promise<boolean> {
  return updateEndpointIf(endpointId, endpointUpdate({ failingSince: since }, ctx), `${LIVE_ENDPOINT} AND attribute_not_exists(failingSince)`);
}

/** A success clears `failingSince`. */
export function markEndpointHealthy(endpointId: string, ctx: WriteContext): Promise<boolean> {
  return updateEndpointIf(endpointId, endpointUpdate({}, ctx, ['failingSince']), `${LIVE_ENDPOINT} AND attribute_exists(failingSince)`);
}

/**
 * Disables an enabled endpoint, saying why. With `failingSinceAtMost`, only one failing since that
 * time or earlier (checked in the write itself, so a success in between keeps it enabled).
 */
export function disableEndpoint(endpointId: string, reason: string, ctx: WriteContext, failingSinceAtMost?: string): Promise<boolean> {
  const update = endpointUpdate({ enabled: false, disabledReason: reason, disabledAt: ctx.at }, ctx);
  const condition = `${LIVE_ENDPOINT} AND enabled = :enabled${failingSinceAtMost === undefined ? '' : ' AND failingSince <= :failingSince'}`;
  return updateEndpointIf(endpointId, update, condition, { ':enabled': true, ...(failingSinceAtMost === undefined ? {} : { ':failingSince': failingSinceAtMost }) });
}
