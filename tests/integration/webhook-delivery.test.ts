import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { advanceClock, now, nowIso, rewindClock } from '../../functions/shared/clock';
import { documentClient, tableName } from '../../functions/shared/db';
import { newId } from '../../functions/shared/ids';
import { webhookKeys } from '../../functions/shared/keys';
import { attemptDelivery, GONE_REASON } from '../../functions/webhooks/deliver';
import { handler as deliveryWorker } from '../../functions/webhooks/delivery-worker';
import { RETENTION_DAYS, type DeliveryMessage, type WebhookDeliveryRecord, type WebhookEndpointRecord } from '../../functions/webhooks/model';
import { ALLOW_LOOPBACK_ENV } from '../../functions/webhooks/outbound';
import { useDeliveryQueue } from '../../functions/webhooks/queue';
import { RETRY_DELAYS_SECONDS } from '../../functions/webhooks/retry-schedule';
import { newSigningSecret } from '../../functions/webhooks/signing';
import { lambdaContext } from '../support/lambda-events';

/**
 * The delivery side of webhooks against DynamoDB Local and a real HTTP receiver on 127.0.0.1 (the
 * local switch lets plain http reach loopback). Endpoints and deliveries are written as the events
 * consumer writes them; signatures are checked with the `standardwebhooks` library, as a partner
 * would. Time-driven retries move this process's clock and take it back afterwards.
 */

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base: string;
const received: Received[] = [];
/** The status each path answers (default 200); `/slow` answers after 2 s. */
const statusOf = new Map<string, number>();

beforeAll(async () => {
  process.env[ALLOW_LOOPBACK_ENV] = '1';
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = () => {
        response.statusCode = statusOf.get(path) ?? 200;
        response.end('{}');
      };
      if (path === '/slow') setTimeout(answer, 2_000).unref();
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const partnerId = newId();
const requestsTo = (path: string) => received.filter((request) => request.path === path);

async function putEndpoint(path: string, overrides: Partial<WebhookEndpointRecord> = {}): Promise<WebhookEndpointRecord> {
  const at = nowIso();
  const endpoint: WebhookEndpointRecord = {
    id: newId(),
    partnerId,
    url: path.startsWith('http') ? path : `${base}${path}`,
    eventTypes: ['order.created'],
    enabled: true,
    secrets: [{ secret: newSigningSecret(), createdAt: at }],
    version: 1,
    createdAt: at,
    updatedAt: at,
    updatedBy: 'staff:test',
    ...overrides,
  };
  await documentClient.send(new PutCommand({ TableName: tableName(), Item: { ...webhookKeys.endpoint(endpoint.id), entityType: 'webhook_endpoint', ...endpoint } }));
  return endpoint;
}

async function putDelivery(endpoint: WebhookEndpointRecord): Promise<{ message: DeliveryMessage; delivery: WebhookDeliveryRecord }> {
  const at = nowIso();
  const eventId = `msg_${newId()}`;
  const payload = JSON.stringify({ type: 'order.created', timestamp: at, data: { id: newId(), total: { amount: '12.50', currency: 'EUR' }, note: 'crème brûlée' } });
  const delivery: WebhookDeliveryRecord = {
    endpointId: endpoint.id,
    partnerId,
    eventId,
    type: 'order.created',
    at,
    payload,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: at,
    ttl: Math.floor(Date.parse(at) / 1000) + RETENTION_DAYS * 24 * 3600,
  };
  const eventSortKey = webhookKeys.eventSortKey(at, eventId);
  await documentClient.send(
    new PutCommand({ TableName: tableName(), Item: { ...webhookKeys.delivery(endpoint.id, eventSortKey), entityType: 'webhook_delivery', ...delivery } }),
  );
  return { message: { endpointId: endpoint.id, eventSortKey }, delivery };
}

async function item<T>(key: { pk: string; sk: string }): Promise<T> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  return Item as T;
}
const deliveryItem = (message: DeliveryMessage) => item<WebhookDeliveryRecord & { entityType: string }>(webhookKeys.delivery(message.endpointId, message.eventSortKey));
const endpointItem = (id: string) => item<WebhookEndpointRecord & { entityType: string }>(webhookKeys.endpoint(id));

/** Runs `fn` with the clock movable; takes back every advance afterwards. */
async function withClock(fn: (advance: (seconds: number) => void) => Promise<void>): Promise<void> {
  let moved = 0;
  try {
    await fn((seconds) => {
      advanceClock(seconds * 1000);
      moved += seconds * 1000;
    });
  } finally {
    rewindClock(moved);
  }
}

it('delivers the payload signed: the receiver verifies it with standardwebhooks', async () => {
  const endpoint = await putEndpoint('/ok');
  const { message, delivery } = await putDelivery(endpoint);

  await expect(attemptDelivery(message)).resolves.toEqual({ outcome: 'done' });

  const [request] = requestsTo('/ok').filter((r) => r.headers['webhook-id'] === delivery.eventId);
  expect(request).toBeDefined();
  expect(request!.body).toBe(delivery.payload);
  expect(request!.headers['content-type']).toBe('application/json');
  expect(Math.abs(Number(request!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
  expect(new Webhook(endpoint.secrets[0]!.secret).verify(request!.body, request!.headers as Record<string, string>)).toEqual(JSON.parse(delivery.payload));

  const stored = await deliveryItem(message);
  expect(stored).toMatchObject({ entityType: 'webhook_delivery', status: 'succeeded', attempts: 1, lastStatusCode: 200, ttl: delivery.ttl });
  expect(stored.lastLatencyMs).toEqual(expect.any(Number));
  expect(stored.lastAttemptAt).toEqual(expect.any(String));
  expect(stored.nextAttemptAt).toBeUndefined();
  expect(stored.lastError).toBeUndefined();
});

it('sends nothing for a redelivered message of a delivery that succeeded', async () => {
  const endpoint = await putEndpoint('/ok');
  const { message, delivery } = await putDelivery(endpoint);
  await attemptDelivery(message);
  await expect(attemptDelivery(message)).resolves.toEqual({ outcome: 'done' });
  expect(requestsTo('/ok').filter((r) => r.headers['webhook-id'] === delivery.eventId)).toHaveLength(1);
  expect(await deliveryItem(message)).toMatchObject({ status: 'succeeded', attempts: 1 });
});

it('posts once when two copies of a message are attempted at the same time', async () => {
  const endpoint = await putEndpoint('/ok');
  const { message, delivery } = await putDelivery(endpoint);
  await Promise.all([attemptDelivery(message), attemptDelivery(message), attemptDelivery(message)]);
  expect(requestsTo('/ok').filter((r) => r.headers['webhook-id'] === delivery.eventId)).toHaveLength(1);
  expect(await deliveryItem(message)).toMatchObject({ status: 'succeeded', attempts: 1 });
});

it('retries a 500 on the schedule, records each attempt, and a success clears failingSince', async () => {
  const path = `/flaky-${newId()}`;
  statusOf.set(path, 500);
  const endpoint = await putEndpoint(path);
  const { message } = await putDelivery(endpoint);

  await withClock(async (advance) => {
    const firstAt = now();
    await expect(attemptDelivery(message)).resolves.toEqual({ outcome: 'retry', delaySeconds: 5 });
    let stored = await deliveryItem(message);
    expect(stored).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, lastError: 'HTTP 500' });
    expect(Date.parse(stored.nextAttemptAt!) - firstAt).toBeGreaterThanOrEqual(5_000);
    const failing = await endpointItem(endpoint.id);
    expect(failing.failingSince).toEqual(expect.any(String));
    expect(failing).toMatchObject({ enabled: true, version: 2, updatedBy: 'system:webhooks' });

    // Too early: nothing is sent, the message waits for the rest of the delay.
    const early = await attemptDelivery(message);
    expect(early).toEqual({ outcome: 'retry', delaySeconds: expect.any(Number) });
    expect((early as { delaySeconds: number }).delaySeconds).toBeLessThanOrEqual(5);
    expect(requestsTo(path)).toHaveLength(1);

    advance(5);
    await expect(attemptDelivery(message)).resolves.toEqual({ outcome: 'retry', delaySeconds: RETRY_DELAYS_SECONDS[1] });
    stored = await deliveryItem(message);
    expect(stored).toMatchObject({ status: 'pending', attempts: 2, lastError: 'HTTP 500' });
    // Still the first failure's time.
    expect((await endpointItem(endpoint.id)).failingSince).toBe(failing.failingSince);

    statusOf.set(path, 204);
    advance(RETRY_DELAYS_SECONDS[1]!);
    await expect(attemptDelivery(message)).resolves.toEqual({ outcome: 'done' });
    stored = await deliveryItem(message);
    expect(stored).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 204 });
    expect(stored.nextAttemptAt).toBeUndefined();
    const healthy = await endpointItem(endpoint.id);
    expect(healthy.failingSince).toBeUndefined();
    expect(healthy).toMatchObject({ enabled: true, version: 3 });
  });
  expect(requestsTo(path)).toHaveLength(3);
  // The same webhook-id on every attempt.
  expect(new Set(requestsTo(path).map((r) => r.headers['webhook-id'])).size).toBe(1);
});

it('gives up after the last attempt (failed, the dead letter) and disables an endpoint failing for the whole window', async () => {
  const path = `/down-${newId()}`;
  statusOf.set(path, 503);
  const endpoint = await putEndpoint(path);
  const { message } = await putDelivery(endpoint);

  await withClock(async (advance) => {
    for (const delay of RETRY_DELAYS_SECONDS) {
      await expect(attemptDelivery(message)).resolves.toEqual({ outcome: 'retry', delaySeconds: delay });
      advance(delay);
    }
    await expect(attemptDelivery(message)).resolves.toEqual({ outcome: 'done' });
  });
  expect(requestsTo(path)).toHaveLength(RETRY_DELAYS_SECONDS.length + 1);
  const stored = await deliveryItem(message);
  expect(stored).toMatchObject({ status: 'failed', attempts: 8, lastStatusCode: 503, lastError: 'HTTP 503' });
  expect(stored.nextAttemptAt).toBeUndefined();
  const disabled = await endpointItem(endpoint.id);
  expect(disabled).toMatchObject({ enabled: false, updatedBy: 'system:webhooks' });
  expect(disabled.disabledReason).toMatch(/failed for the whole retry window/);
  expect(disabled.disabledAt).toEqual(expect.any(String));
});

it('fails the delivery and disables the endpoint on 410 Gone; later deliveries to it fail without a request', async () => {
  const path = `/gone-${newId()}`;
  statusOf.set(path, 410);
  const endpoint = await putEndpoint(path);
  const { message } = await putDelivery(endpoint);

  await expect(attemptDelivery(message)).resolves.toEqual({ outcome: 'done' });
  expect(await deliveryItem(message)).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 410, lastError: GONE_REASON });
  const disabled = await endpointItem(endpoint.id);
  expect(disabled).toMatchObject({ enabled: false, disabledReason: GONE_REASON, version: 2, updatedBy: 'system:webhooks' });
  expect(disabled.disabledAt).toEqual(expect.any(String));

  const next = await putDelivery(endpoint);
  await expect(attemptDelivery(next.message)).resolves.toEqual({ outcome: 'done' });
  const stored = await deliveryItem(next.message);
  expect(stored).toMatchObject({ status: 'failed', attempts: 0, lastError: `The endpoint is disabled (${GONE_REASON})` });
  expect(stored.nextAttemptAt).toBeUndefined();
  expect(requestsTo(path)).toHaveLength(1);
});

it('fails a delivery whose endpoint was deleted, without a request', async () => {
  const path = `/deleted-${newId()}`;
  const endpoint = await putEndpoint(path, { enabled: false, deletedAt: nowIso() });
  const { message } = await putDelivery(endpoint);
  await expect(attemptDelivery(message)).resolves.toEqual({ outcome: 'done' });
  expect(await deliveryItem(message)).toMatchObject({ status: 'failed', attempts: 0, lastError: 'The endpoint was deleted' });
  expect(requestsTo(path)).toHaveLength(0);
});

it('never contacts a refused address and records why', async () => {
  const endpoint = await putEndpoint('http://10.0.0.1/hook');
  const { message } = await putDelivery(endpoint);
  await expect(attemptDelivery(message)).resolves.toEqual({ outcome: 'done' });
  const stored = await deliveryItem(message);
  expect(stored).toMatchObject({ status: 'failed', attempts: 1, lastLatencyMs: 0, lastError: 'Refused: 10.0.0.1 is a private address: webhooks go to public addresses only' });
  expect(stored.lastStatusCode).toBeUndefined();
  expect((await endpointItem(endpoint.id)).failingSince).toEqual(expect.any(String));
});

it('retries a timeout and a refused connection', async () => {
  const slow = await putEndpoint('/slow');
  const timedOut = await putDelivery(slow);
  const started = Date.now();
  await expect(attemptDelivery(timedOut.message, { timeoutMs: 200 })).resolves.toEqual({ outcome: 'retry', delaySeconds: 5 });
  expect(Date.now() - started).toBeLessThan(1_500);
  expect(await deliveryItem(timedOut.message)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'No answer within 0.2 s' });

  const closed = await putEndpoint('http://127.0.0.1:1/hook');
  const refused = await putDelivery(closed);
  await expect(attemptDelivery(refused.message)).resolves.toEqual({ outcome: 'retry', delaySeconds: 5 });
  const stored = await deliveryItem(refused.message);
  expect(stored).toMatchObject({ status: 'pending', attempts: 1 });
  expect(stored.lastError).toMatch(/^Connection failed: .*ECONNREFUSED/);
});

it('the worker reports a retry as a failed record after hiding its message for the delay', async () => {
  const retries: Array<{ receiptHandle: string; delaySeconds: number }> = [];
  useDeliveryQueue({ send: () => Promise.resolve(), retryLater: async (receiptHandle, delaySeconds) => void retries.push({ receiptHandle, delaySeconds }) });
  const failingPath = `/worker-${newId()}`;
  statusOf.set(failingPath, 500);
  const ok = await putDelivery(await putEndpoint('/ok'));
  const failing = await putDelivery(await putEndpoint(failingPath));
  const record = (id: string, message: DeliveryMessage) => ({
    messageId: id,
    receiptHandle: `receipt-${id}`,
    body: JSON.stringify(message),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'test', ApproximateFirstReceiveTimestamp: String(Date.now()) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:webhook-deliveries',
    awsRegion: 'us-east-1',
  });
  const event: SQSEvent = { Records: [record('m-ok', ok.message), record('m-failing', failing.message)] };

  await expect(deliveryWorker(event, lambdaContext())).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-failing' }] });
  expect(retries).toEqual([{ receiptHandle: 'receipt-m-failing', delaySeconds: 5 }]);
  expect(await deliveryItem(ok.message)).toMatchObject({ status: 'succeeded' });
  expect(await deliveryItem(failing.message)).toMatchObject({ status: 'pending', attempts: 1 });
});
