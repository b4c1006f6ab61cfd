import { randomUUID } from 'node:crypto';
import { now } from '../shared/clock';
import { logger } from '../shared/logger';
import type { WriteContext } from '../shared/write-context';
import {
  abandonDelivery,
  claimAttempt,
  disableEndpoint,
  findDelivery,
  findDeliveryEndpoint,
  markEndpointFailing,
  markEndpointHealthy,
  recordOutcome,
} from './delivery-repository';
import type { DeliveryMessage, WebhookDeliveryRecord, WebhookEndpointRecord } from './model';
import { postWebhook, urlProblem, type PostResult } from './outbound';
import { retryDelaySeconds, RETRY_WINDOW_SECONDS } from './retry-schedule';
import { signatureHeader } from './signing';

/**
 * One attempt of one delivery (docs/modules/webhooks.md#delivery): POST the event's payload, signed,
 * to the endpoint, and record what happened. 2xx succeeds; 410 Gone fails the delivery and disables
 * the endpoint; anything else (another status, a timeout, a connection error, a name resolving to a
 * refused address) is retried on the schedule of retry-schedule.ts until it gives up (`failed`, the
 * dead-letter record). An endpoint failing for the whole retry window when a delivery gives up is
 * disabled. Messages are delivered at least once: a delivery already finished is skipped, and a copy
 * arriving before the delivery is due waits for it.
 */

export type AttemptResult = { outcome: 'done' } | { outcome: 'retry'; delaySeconds: number };

export interface AttemptOptions {
  /** How long to wait for an answer (default 10 s). */
  timeoutMs?: number;
  /** Stamped on endpoint writes (the invocation's request id). */
  requestId?: string;
}

const DONE: AttemptResult = { outcome: 'done' };
const ACTOR = 'system:webhooks';
export const GONE_REASON = 'The endpoint answered 410 Gone';
const WINDOW_REASON = `The endpoint failed for the whole retry window (${Math.round(RETRY_WINDOW_SECONDS / 3600)} hours)`;
/** A message this early is attempted anyway: a queue's delays are not to the millisecond. */
const EARLY_TOLERANCE_MS = 1_000;
/**
 * How long a claimed attempt holds its delivery: longer than an attempt takes, shorter than the
 * queue's visibility timeout, so the message of a worker that died mid-attempt finds it due again.
 */
const HOLD_MS = 30_000;

const iso = (ms: number) => new Date(ms).toISOString();

function unavailability(endpoint: WebhookEndpointRecord | undefined): string | undefined {
  if (!endpoint || endpoint.deletedAt) return 'The endpoint was deleted';
  if (!endpoint.enabled) return `The endpoint is disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ''}`;
  return undefined;
}

type Sent = PostResult | { kind: 'forbidden'; reason: string; latencyMs: 0 };

/** Signs and sends the payload; a URL refused as written (not after resolution) is never retried. */
function send(endpoint: WebhookEndpointRecord, delivery: WebhookDeliveryRecord, startedAt: number, timeoutMs: number | undefined): Promise<Sent> {
  const problem = urlProblem(endpoint.url);
  if (problem) return Promise.resolve({ kind: 'forbidden', reason: problem, latencyMs: 0 });
  const timestamp = Math.floor(startedAt / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Backoffice-Webhooks/1.0',
    'webhook-id': delivery.eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureHeader(endpoint.secrets, delivery.eventId, timestamp, delivery.payload, iso(startedAt)),
  };
  return postWebhook(endpoint.url, headers, delivery.payload, timeoutMs === undefined ? {} : { timeoutMs });
}

function failureOf(sent: Sent): string {
  switch (sent.kind) {
    case 'answered':
      return `HTTP ${sent.status}`;
    case 'timeout':
      return sent.reason;
    case 'refused':
    case 'forbidden':
      return `Refused: ${sent.reason}`;
    case 'error':
      return `Connection failed: ${sent.reason}`;
  }
}

export async function attemptDelivery(message: DeliveryMessage, options: AttemptOptions = {}): Promise<AttemptResult> {
  const delivery = await findDelivery(message);
  if (!delivery) {
    logger.warn('Webhooks: no such delivery (expired, or never written)', { ...message });
    return DONE;
  }
  // Finished already: this is a redelivered message.
  if (delivery.status !== 'pending') return DONE;
  const wait = (delivery.nextAttemptAt ? Date.parse(delivery.nextAttemptAt) : 0) - now();
  if (wait > EARLY_TOLERANCE_MS) return { outcome: 'retry', delaySeconds: Math.ceil(wait / 1000) };

  const endpoint = await findDeliveryEndpoint(message.endpointId);
  const unavailable = unavailability(endpoint);
  if (!endpoint || unavailable) {
    await abandonDelivery(message, delivery.attempts, unavailable ?? 'The endpoint was deleted');
    return DONE;
  }

  const startedAt = now();
  const attempt = delivery.attempts + 1;
  // Another worker holds this delivery (a copy of the message): its message carries on.
  if (!(await claimAttempt(message, delivery.attempts, iso(startedAt), iso(startedAt + HOLD_MS)))) return DONE;

  const sent = await send(endpoint, delivery, startedAt, options.timeoutMs);
  const at = now();
  const ctx: WriteContext = { actor: ACTOR, requestId: options.requestId ?? randomUUID(), sourceIp: 'lambda.amazonaws.com', at: iso(at) };
  const statusCode = sent.kind === 'answered' ? sent.status : undefined;
  const log = { endpointId: endpoint.id, eventId: delivery.eventId, attempt, statusCode, latencyMs: sent.latencyMs };

  if (statusCode !== undefined && statusCode >= 200 && statusCode < 300) {
    await recordOutcome(message, attempt, { status: 'succeeded', statusCode, latencyMs: sent.latencyMs });
    if (endpoint.failingSince) await markEndpointHealthy(endpoint.id, ctx);
    logger.debug('Webhooks: delivered', log);
    return DONE;
  }

  const error = statusCode === 410 ? GONE_REASON : failureOf(sent);
  const failure = { statusCode, error, latencyMs: sent.latencyMs };
  if (statusCode === 410) {
    await recordOutcome(message, attempt, { status: 'failed', ...failure });
    if (await disableEndpoint(endpoint.id, GONE_REASON, ctx)) logger.warn('Webhooks: endpoint disabled', { ...log, reason: GONE_REASON });
    return DONE;
  }
  if (!endpoint.failingSince) await markEndpointFailing(endpoint.id, iso(startedAt), ctx);

  const delay = sent.kind === 'forbidden' ? undefined : retryDelaySeconds(attempt);
  if (delay !== undefined) {
    const recorded = await recordOutcome(message, attempt, { status: 'pending', ...failure, nextAttemptAt: iso(at + delay * 1000) });
    logger.debug('Webhooks: attempt failed, retrying', { ...log, error, delaySeconds: delay });
    return recorded ? { outcome: 'retry', delaySeconds: delay } : DONE;
  }

  await recordOutcome(message, attempt, { status: 'failed', ...failure });
  logger.warn('Webhooks: delivery gave up', { ...log, error });
  const windowStart = iso(at - RETRY_WINDOW_SECONDS * 1000);
  if (endpoint.failingSince && endpoint.failingSince <= windowStart && (await disableEndpoint(endpoint.id, WINDOW_REASON, ctx, windowStart))) {
    logger.warn('Webhooks: endpoint disabled', { ...log, reason: WINDOW_REASON });
  }
  return DONE;
}
