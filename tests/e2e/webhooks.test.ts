import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { newId } from '../../functions/shared/ids';
import { killGroup, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * Partner events end to end (docs/modules/webhooks.md): real HTTP receivers on 127.0.0.1 get the
 * deliveries of a runtime of this file's own (its clock is moved forward for the retries, which would
 * disturb the tests sharing the common runtime), and every delivery is verified with the
 * `standardwebhooks` library, a receiver nobody here wrote.
 */
jest.setTimeout(120_000);

/* eslint-disable @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON */
interface Reply {
  status: number;
  body: any;
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local receiver whose answer the test sets; it records every request. */
class Receiver {
  readonly received: Received[] = [];
  answer = 204;
  /** Milliseconds before answering (a slow receiver). */
  delayMs = 0;
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        setTimeout(() => res.writeHead(this.answer).end(), this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Every delivery verified with `secret`: the envelopes, in arrival order. */
  verified(secret: string): Array<{ id: string; type: string; timestamp: string; data: any }> {
    const receiver = new Webhook(secret);
    return this.received.map((delivery) => {
      const headers = { 'webhook-id': String(delivery.headers['webhook-id']), 'webhook-timestamp': String(delivery.headers['webhook-timestamp']), 'webhook-signature': String(delivery.headers['webhook-signature']) };
      return { id: headers['webhook-id'], ...(receiver.verify(delivery.body, headers) as { type: string; timestamp: string; data: unknown }) };
    });
  }
}

let workDir: string;
let dataDir: string;
let runtime: RuntimeProcess;
const receivers: Receiver[] = [];

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'backoffice-webhooks-'));
  dataDir = join(workDir, 'data');
  runtime = await startRuntimeProcess({ dataDir, reset: true, logFile: join(workDir, 'runtime.log') });
});

afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.stop()));
  if (runtime) {
    const code = await runtime.stop();
    if (code !== 0) killGroup(runtime.child);
  }
  rmSync(workDir, { recursive: true, force: true });
});

async function receiver(): Promise<Receiver> {
  const started = await new Receiver().start();
  receivers.push(started);
  return started;
}

async function call(method: string, path: string, auth: { apiKey: string } | { token: string }, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: {
      ...('apiKey' in auth ? { 'x-api-key': auth.apiKey } : { authorization: `Bearer ${auth.token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const admin = () => ({ token: runtime.credentials().tokens['admin@example.com']! });
const shop = () => ({ apiKey: runtime.credentials().partnerKeys['demo-shop']! });

async function ok(reply: Promise<Reply>, status: number): Promise<any> {
  const got = await reply;
  expect({ status: got.status, body: got.status === status ? undefined : got.body }).toEqual({ status, body: undefined });
  return got.body;
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function advanceClock(seconds: number): Promise<void> {
  const res = await fetch(`${runtime.url}/local/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: seconds }) });
  expect(res.status).toBe(200);
}

/** A webhook of the demo shop (or of `auth`'s partner); returns its id and secret. */
async function webhook(url: string, eventTypes: string[], auth: { apiKey: string } = shop()): Promise<{ id: string; secret: string }> {
  const created = await ok(call('POST', '/partner/v1/webhooks', auth, { url, eventTypes }), 201);
  expect(created.secret).toMatch(/^whsec_/);
  return { id: created.webhook.id, secret: created.secret };
}

/** A new partner with `scopes` and a key. */
async function newPartner(scopes: string[]): Promise<{ id: string; auth: { apiKey: string } }> {
  const created = await ok(call('POST', '/admin/v1/partners', admin(), { name: `hooks-${newId()}`, scopes }), 201);
  const key = await ok(call('POST', `/admin/v1/partners/${created.id}/keys`, admin(), {}), 201);
  return { id: created.id, auth: { apiKey: key.key } };
}

/** An order the partner places for a customer of its own; returns the order. */
async function placeOrder(auth: { apiKey: string } = shop()): Promise<any> {
  const products = await ok(call('GET', '/admin/v1/products?status=active&limit=100', admin()), 200);
  const product = products.items.find((item: { stock: { available: number } }) => item.stock.available > 5);
  expect(product).toBeDefined();
  const customer = await ok(call('POST', '/partner/v1/customers', auth, { name: 'Hook Customer', email: `${newId().toLowerCase()}@example.com` }, { 'idempotency-key': newId() }), 201);
  return ok(call('POST', '/partner/v1/orders', auth, { customerId: customer.id, lines: [{ productId: product.id, quantity: 1 }] }, { 'idempotency-key': newId() }), 201);
}

const pay = (order: { id: string; total: unknown }) => ok(call('POST', `/admin/v1/orders/${order.id}/payments`, admin(), { amount: order.total, method: 'card' }), 201);

test('an order’s events reach its partner’s endpoint signed, and the feed holds the same events', async () => {
  // A partner of its own: its feed holds only this test's events.
  const partner = await newPartner(['orders:read', 'orders:write', 'webhooks:manage', 'events:read']);
  const hooks = await receiver();
  const { id, secret } = await webhook(hooks.url, ['order.created', 'order.paid'], partner.auth);
  const order = await placeOrder(partner.auth);
  await pay(order);

  await eventually('two deliveries', () => (hooks.received.length >= 2 ? true : undefined));
  const events = hooks.verified(secret).filter((event) => event.data.id === order.id);
  expect(events.map((event) => event.type)).toEqual(['order.created', 'order.paid']);
  expect(events[1]!.data).toMatchObject({ id: order.id, status: 'paid', version: 2 });
  expect(events[1]!.data).not.toHaveProperty('updatedBy');

  // The feed, read to its end page by page: the same events, with the same ids, in order; then an
  // empty page hands back the cursor to poll with.
  const feed: Array<{ id: string; type: string; data: { id: string } }> = [];
  let cursor: string | undefined;
  for (;;) {
    const reply = await ok(call('GET', `/partner/v1/events?limit=1${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`, partner.auth), 200);
    feed.push(...reply.items);
    if (reply.items.length === 0) {
      expect(reply.nextCursor).toBe(cursor);
      break;
    }
    cursor = reply.nextCursor;
  }
  expect(feed.map((event) => [event.id, event.type, event.data.id])).toEqual(events.map((event) => [event.id, event.type, order.id]));

  // The delivery log, newest first.
  const log = await ok(call('GET', `/partner/v1/webhooks/${id}/deliveries`, partner.auth), 200);
  expect(log.items.map((delivery: any) => [delivery.type, delivery.status, delivery.attempts, delivery.lastStatusCode])).toEqual([
    ['order.paid', 'succeeded', 1, 204],
    ['order.created', 'succeeded', 1, 204],
  ]);

  // Replay: the same webhook-id again, so the receiver can deduplicate.
  const replayed = await ok(call('POST', `/partner/v1/webhooks/${id}/replay`, partner.auth, { eventId: events[0]!.id }), 202);
  expect(replayed).toEqual({ replayed: 1 });
  await eventually('the replay', () => (hooks.received.length >= 3 ? true : undefined));
  expect(hooks.verified(secret)[2]!.id).toBe(events[0]!.id);

  // Staff with partners:read see the endpoint and its deliveries.
  const staffView = await ok(call('GET', `/admin/v1/partners/${partner.id}/webhooks/${id}/deliveries`, { token: runtime.credentials().tokens['auditor@example.com']! }), 200);
  expect(staffView.items.map((delivery: { eventId: string }) => delivery.eventId)).toEqual([events[1]!.id, events[0]!.id]);

  // The endpoint's creation is audited, its signing secret redacted.
  const audited = await eventually('the audit entry', async () => {
    const reply = await ok(call('GET', `/admin/v1/audit?entityType=webhook_endpoint&entityId=${id}`, { token: runtime.credentials().tokens['auditor@example.com']! }), 200);
    return reply.items.length > 0 ? reply.items : undefined;
  });
  expect(audited[0]).toMatchObject({ action: 'create', actor: `partner:${partner.id}` });
  expect(JSON.stringify(audited)).not.toContain('whsec_');
});

test('a partner never receives another partner’s order events', async () => {
  const other = (await newPartner(['orders:read', 'orders:write', 'webhooks:manage'])).auth;
  const theirs = await receiver();
  const mine = await receiver();
  await webhook(theirs.url, ['order.created'], other);
  const { secret } = await webhook(mine.url, ['order.created']);

  const order = await placeOrder();
  await eventually('my delivery', () => (mine.verified(secret).some((event) => event.data.id === order.id) ? true : undefined));
  const theirOrder = await placeOrder(other);
  await eventually('their delivery', () => (theirs.received.length >= 1 ? true : undefined));
  expect(theirs.received.map((delivery) => JSON.parse(delivery.body).data.id)).toEqual([theirOrder.id]);
  expect(mine.verified(secret).map((event) => event.data.id)).not.toContain(theirOrder.id);
});

test('a receiver that is down gets its events on the retry schedule; 410 disables the endpoint', async () => {
  const hooks = await receiver();
  hooks.answer = 503;
  const { id, secret } = await webhook(hooks.url, ['order.created']);
  const order = await placeOrder();
  await eventually('the first attempt', () => (hooks.received.length >= 1 ? true : undefined));
  const failed = await eventually('the failure in the log', async () => {
    const log = await ok(call('GET', `/partner/v1/webhooks/${id}/deliveries`, shop()), 200);
    // An attempt in flight is counted before its answer is recorded: wait for the answer.
    return log.items[0]?.attempts === 1 && log.items[0].lastStatusCode !== undefined ? log.items[0] : undefined;
  });
  expect(failed).toMatchObject({ status: 'pending', lastStatusCode: 503, type: 'order.created' });
  const delay = Date.parse(failed.nextAttemptAt) - Date.parse(failed.lastAttemptAt);
  expect(delay).toBeGreaterThanOrEqual(5_000);
  expect(delay).toBeLessThan(6_000);

  // Back up: the retry (due in 5 s on the runtime's clock) succeeds, with the same webhook-id.
  hooks.answer = 200;
  await advanceClock(6);
  await eventually('the retry', () => (hooks.received.length >= 2 ? true : undefined));
  const [first, second] = hooks.verified(secret);
  expect(second!.id).toBe(first!.id);
  expect(second!.data.id).toBe(order.id);
  const log = await eventually('the success in the log', async () => {
    const reply = await ok(call('GET', `/partner/v1/webhooks/${id}/deliveries`, shop()), 200);
    return reply.items[0]?.status === 'succeeded' ? reply.items[0] : undefined;
  });
  expect(log).toMatchObject({ attempts: 2, lastStatusCode: 200 });

  // 410 Gone: the endpoint is disabled, and the partner sees why.
  hooks.answer = 410;
  await placeOrder();
  const disabled = await eventually('the endpoint disabled', async () => {
    const endpoint = await ok(call('GET', `/partner/v1/webhooks/${id}`, shop()), 200);
    return endpoint.enabled ? undefined : endpoint;
  });
  expect(disabled.disabledReason).toMatch(/410/);
});

test('a slow endpoint does not hold up another’s deliveries', async () => {
  const slowPartner = await newPartner(['orders:read', 'orders:write', 'webhooks:manage']);
  const fastPartner = await newPartner(['orders:read', 'orders:write', 'webhooks:manage']);
  const slow = await receiver();
  slow.delayMs = 8_000;
  const fast = await receiver();
  await webhook(slow.url, ['order.created'], slowPartner.auth);
  const { secret } = await webhook(fast.url, ['order.created'], fastPartner.auth);

  // The slow endpoint's delivery is on the wire, unanswered, when the other partner's order is placed.
  await placeOrder(slowPartner.auth);
  await eventually('the slow delivery in flight', () => (slow.received.length >= 1 ? true : undefined));
  const inFlightSince = Date.now();
  const order = await placeOrder(fastPartner.auth);
  await eventually('the fast delivery', () => (fast.verified(secret).some((event) => event.data.id === order.id) ? true : undefined));
  expect(Date.now() - inFlightSince).toBeLessThan(slow.delayMs);
});

test('a signing secret rotated: both signatures during the overlap', async () => {
  const hooks = await receiver();
  const { id, secret: oldSecret } = await webhook(hooks.url, ['order.created']);
  const rotated = await ok(call('POST', `/partner/v1/webhooks/${id}/rotate-secret`, shop(), { overlapSeconds: 3600 }), 200);
  expect(rotated.secret).not.toBe(oldSecret);
  expect(rotated.webhook.previousSecretExpiresAt).toBeDefined();
  await placeOrder();
  await eventually('the delivery', () => (hooks.received.length >= 1 ? true : undefined));
  // A receiver still holding the old secret and one already holding the new one both verify it.
  expect(hooks.verified(oldSecret)).toHaveLength(1);
  expect(hooks.verified(rotated.secret)).toHaveLength(1);
  expect(String(hooks.received[0]!.headers['webhook-signature']).split(' ')).toHaveLength(2);
});

test('an endpoint must be a public https address, and event types need the scopes', async () => {
  for (const url of ['http://10.0.0.1/hooks', 'https://169.254.169.254/latest/meta-data', 'https://192.168.1.20/hooks', 'ftp://example.com/hooks']) {
    const reply = await call('POST', '/partner/v1/webhooks', shop(), { url, eventTypes: ['order.created'] });
    expect({ url, status: reply.status }).toEqual({ url, status: 400 });
    expect(reply.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'body.url' })]));
  }
  const carrier = { apiKey: runtime.credentials().partnerKeys['demo-carrier']! };
  expect((await call('POST', '/partner/v1/webhooks', carrier, { url: 'https://example.com/hooks', eventTypes: ['order.created'] })).status).toBe(403);
});

test('SIGKILL of the runtime in the middle of deliveries loses no event; a duplicate carries the same webhook-id', async () => {
  const partner = await newPartner(['orders:read', 'orders:write', 'webhooks:manage']);
  const hooks = await receiver();
  hooks.delayMs = 3_000;
  const { secret } = await webhook(hooks.url, ['order.created'], partner.auth);
  const orders = [await placeOrder(partner.auth), await placeOrder(partner.auth), await placeOrder(partner.auth)];

  // The first delivery is on the wire, unanswered: kill Node and DynamoDB Local at once, then start again on the same data.
  await eventually('a delivery in flight', () => (hooks.received.length >= 1 ? true : undefined));
  await runtime.killAll();
  hooks.delayMs = 0;
  runtime = await startRuntimeProcess({ dataDir, logFile: join(workDir, 'runtime-restarted.log') });
  const beforeKill = hooks.received.length;
  // An attempt cut short holds its delivery for 30 s (so two workers never send it at once); then it is due again.
  await advanceClock(31);

  const byOrder = await eventually(
    'every order delivered, the interrupted ones again',
    () => {
      const seen = new Map<string, Set<string>>();
      const verified = hooks.verified(secret);
      for (const event of verified) seen.set(event.data.id, (seen.get(event.data.id) ?? new Set()).add(event.id));
      // The other orders' first deliveries may come before the interrupted one is due again: wait for it too.
      const interruptedAgain = verified.filter((event) => event.id === verified[0]!.id).length >= 2;
      return orders.every((order) => seen.has(order.id)) && hooks.received.length > beforeKill && interruptedAgain ? seen : undefined;
    },
    60_000,
  );
  // However often an order's event arrived, it arrived under one webhook-id.
  for (const order of orders) expect(byOrder.get(order.id)!.size).toBe(1);
  // The one on the wire when the runtime died was not acknowledged: it came again, under the same id.
  const deliveries = hooks.verified(secret);
  expect(deliveries.filter((event) => event.id === deliveries[0]!.id).length).toBeGreaterThanOrEqual(2);
});
