import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { METRICS_CONSUMER } from '../../functions/shared/schema/stream-consumers';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient } from '../../local/dynamodb';
import { killGroup, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * Daily metrics end to end (issue 7): a scripted workload of orders, payments, cancellations, a
 * fulfilment, refunds (one direct, one through an approval decided by a second finance member) and
 * support tickets, all through the real local gateway; then GET /analytics/daily is polled until
 * the day's metrics equal what this test computes from the answers it got.
 *
 * Isolation: the runtime is one of this file's own (its own data directory), because the shared e2e
 * runtime serves test files running in parallel whose orders would land on the same day, and moving
 * its clock would disturb their approvals, quotas and key expiries. Here the clock is moved to
 * 00:00:05 UTC of a day 30 days ahead before the workload, so the seed (written at start) lands on
 * another day and the workload has the whole day to itself.
 *
 * Redelivery: the runtime is then stopped, the metrics consumer's stream checkpoint deleted, and the
 * runtime started again on the same data, so the poller delivers the whole stream to the metrics
 * consumer a second time (as a Lambda event source mapping replaying from TRIM_HORIZON would): no
 * counter may change. One more order afterwards counts exactly once.
 */
jest.setTimeout(180_000);

type Money = { amount: number; currency: string };
const eur = (amount: number): Money => ({ amount, currency: 'EUR' });

let workDir: string;
let dataDir: string;
let runtime: RuntimeProcess | undefined;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'backoffice-analytics-'));
  dataDir = join(workDir, 'data');
  runtime = await startRuntimeProcess({ dataDir, reset: true, logFile: join(workDir, 'runtime.log') });
});

afterAll(async () => {
  if (runtime) {
    const code = await runtime.stop();
    if (code !== 0) killGroup(runtime.child);
  }
  rmSync(workDir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
}

async function http(method: string, path: string, email: string, body?: unknown): Promise<Reply> {
  const rt = runtime!;
  const res = await fetch(`${rt.url}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${rt.credentials().tokens[email]!}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function expectStatus(reply: Promise<Reply>, status: number): Promise<Reply> {
  const got = await reply;
  expect({ status: got.status, body: got.status === status ? undefined : got.body }).toEqual({ status, body: undefined });
  return got;
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const ADMIN = 'admin@example.com';
const FINANCE = 'finance@example.com';
const FINANCE2 = 'finance2@example.com';
const SUPPORT = 'support@example.com';
const OPS = 'ops@example.com';
const ANALYST = 'analyst@example.com';

/** Moves the runtime's clock to 00:00:05 UTC of the day `daysAhead` after today (real time); returns that day. */
async function clockToDayAhead(daysAhead: number, day?: string): Promise<string> {
  const target = day ?? new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + daysAhead)).toISOString().slice(0, 10);
  const now = await fetch(`${runtime!.url}/local/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: 0 }) }).then((r) => r.json() as Promise<{ now: string }>);
  const seconds = (Date.parse(`${target}T00:00:05.000Z`) - Date.parse(now.now)) / 1000;
  expect(seconds).toBeGreaterThan(0);
  const moved = await fetch(`${runtime!.url}/local/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: seconds }) });
  expect(moved.status).toBe(200);
  return target;
}

/** How many payment inserts the table's stream still holds (what a consumer reading from TRIM_HORIZON receives). */
async function paymentInsertsInStream(): Promise<number> {
  const { dynamodbEndpoint: endpoint, tableName } = runtime!.credentials();
  const dynamo = localDynamoClient(endpoint);
  const streams = new DynamoDBStreamsClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: Table!.LatestStreamArn! }));
    let count = 0;
    for (const shard of StreamDescription?.Shards ?? []) {
      let { ShardIterator: iterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn: Table!.LatestStreamArn!, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      while (iterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        count += (page.Records ?? []).filter((r) => r.eventName === 'INSERT' && r.dynamodb?.NewImage?.entityType?.S === 'payment').length;
        if (!page.Records?.length) break;
        iterator = page.NextShardIterator;
      }
    }
    return count;
  } finally {
    dynamo.destroy();
    streams.destroy();
  }
}

const daily = (day: string) => http('GET', `/analytics/daily?from=${day}&to=${day}`, ANALYST);

/** Polls the day's metrics until they equal `expected` (the stream consumer runs behind the API). */
async function metricsReach(day: string, expected: Record<string, unknown>): Promise<void> {
  let last: unknown;
  try {
    await eventually(`the metrics of ${day}`, async () => {
      const reply = await daily(day);
      expect(reply.status).toBe(200);
      last = reply.body.days[0].metrics;
      return JSON.stringify(last) === JSON.stringify(expected) ? true : undefined;
    });
  } finally {
    expect(last).toEqual(expected);
  }
}

let day: string;
let expected: Record<string, unknown>;
let customerId: string;
let productId: string;

it('after a scripted workload the day’s metrics equal what the test computes from its own orders', async () => {
  day = await clockToDayAhead(30);
  customerId = (await expectStatus(http('POST', '/customers', ADMIN, { name: 'Metrics Customer', email: 'metrics@example.com' }), 201)).body.id;
  const product = await expectStatus(http('POST', '/products', ADMIN, { sku: 'METRICS-1', name: 'Metrics product', price: eur(4_000), status: 'active' }), 201);
  productId = product.body.id;
  await expectStatus(http('POST', `/products/${productId}/stock-adjustments`, ADMIN, { delta: 50, reason: 'metrics stock' }), 201);

  // Five orders of 1–5 units (40.00 each).
  const orders: Array<{ id: string; total: Money; createdAt: string }> = [];
  for (let quantity = 1; quantity <= 5; quantity++) {
    const order = await expectStatus(http('POST', '/orders', OPS, { customerId, lines: [{ productId, quantity }] }), 201);
    orders.push({ id: order.body.id, total: order.body.total, createdAt: order.body.createdAt });
  }
  const [o1, o2, o3, o4, o5] = orders as [(typeof orders)[0], (typeof orders)[0], (typeof orders)[0], (typeof orders)[0], (typeof orders)[0]];

  // Payments: o1, o2 and o4 in full (→ paid), o3 in two parts (→ paid on the second), o5 in part (stays pending).
  const payments: Money[] = [];
  const pay = async (orderId: string, amount: Money) => {
    const reply = await expectStatus(http('POST', `/orders/${orderId}/payments`, FINANCE, { amount, method: 'card' }), 201);
    payments.push(amount);
    return reply.body;
  };
  await pay(o1.id, o1.total);
  await pay(o2.id, o2.total);
  await pay(o3.id, eur(5_000));
  await pay(o3.id, eur(o3.total.amount - 5_000));
  await pay(o4.id, o4.total);
  await pay(o5.id, eur(1_000));

  // Transitions: o1 fulfilling; o2 (paid) and o5 (pending) cancelled.
  await expectStatus(http('POST', `/orders/${o1.id}/fulfil`, OPS), 200);
  await expectStatus(http('POST', `/orders/${o2.id}/cancel`, OPS, { reason: 'customer changed their mind' }), 200);
  await expectStatus(http('POST', `/orders/${o5.id}/cancel`, OPS, { reason: 'never paid' }), 200);

  // Refunds: 30.00 at once on o2; 150.00 on o4 waits for an approval that a second finance member gives.
  await expectStatus(http('POST', `/orders/${o2.id}/refunds`, FINANCE, { amount: eur(3_000), reason: 'cancelled' }), 201);
  const held = await expectStatus(http('POST', `/orders/${o4.id}/refunds`, FINANCE, { amount: eur(15_000), reason: 'damaged' }), 202);
  const approvalId: string = held.body.approval.id;
  await eventually('the approval step to open', async () => ((await http('GET', `/approvals/${approvalId}`, FINANCE2)).body?.steps?.[0]?.status === 'open' ? true : undefined));
  await expectStatus(http('POST', `/approvals/${approvalId}/approve`, FINANCE2, { comment: 'ok' }), 200);
  const applied = await eventually('the approved refund', async () => {
    const reply = await http('GET', `/approvals/${approvalId}`, FINANCE2);
    return reply.body.appliedAt ? reply.body : undefined;
  });
  const leadMs = Date.parse(applied.steps[0].decidedAt) - Date.parse(applied.createdAt);

  // Tickets: two opened, one resolved.
  const supportId = runtime!.credentials().staff[SUPPORT]!.id;
  const tickets: Array<{ id: string; createdAt: string }> = [];
  for (const subject of ['Where is my parcel?', 'Invoice address']) {
    const ticket = await expectStatus(http('POST', '/tickets', SUPPORT, { subject, description: 'metrics e2e', customerId, priority: 'normal' }), 201);
    tickets.push({ id: ticket.body.id, createdAt: ticket.body.createdAt });
  }
  await expectStatus(http('POST', `/tickets/${tickets[0]!.id}/assign`, SUPPORT, { assigneeId: supportId }), 200);
  const resolved = await expectStatus(http('POST', `/tickets/${tickets[0]!.id}/resolve`, SUPPORT, { resolution: 'found it' }), 200);
  const resolutionMs = Date.parse(resolved.body.resolvedAt) - Date.parse(tickets[0]!.createdAt);

  // Everything happened on the chosen day.
  for (const at of [...orders.map((o) => o.createdAt), applied.createdAt, applied.steps[0].decidedAt, resolved.body.resolvedAt]) expect(at.slice(0, 10)).toBe(day);

  expected = {
    ordersCreated: orders.length,
    revenue: eur(payments.reduce((sum, p) => sum + p.amount, 0)),
    paymentsCount: payments.length,
    refunds: { count: 2, amount: eur(3_000 + 15_000) },
    orderTransitions: { paid: 4, fulfilling: 1, shipped: 0, delivered: 0, completed: 0, cancelled: 2 },
    ticketsOpened: 2,
    ticketsResolved: 1,
    ticketResolutionTime: { count: 1, averageSeconds: Math.round(resolutionMs) / 1000 },
    approvalsDecided: { count: 1, approved: 1, rejected: 0 },
    approvalLeadTime: { count: 1, averageSeconds: Math.round(leadMs) / 1000 },
  };
  await metricsReach(day, expected);

  // The days around it are untouched by the workload; the seed counted on the real day, not here.
  const around = await http('GET', `/analytics/daily?from=${new Date(Date.parse(day) - 86_400_000).toISOString().slice(0, 10)}&to=${day}&metrics=ordersCreated,revenue`, ANALYST);
  expect(around.body.days).toEqual([
    { date: expect.any(String), metrics: { ordersCreated: 0, revenue: eur(0) } },
    { date: day, metrics: { ordersCreated: orders.length, revenue: expected.revenue } },
  ]);
});

it('refuses callers without analytics:read and bad ranges', async () => {
  expect((await http('GET', `/analytics/daily?from=${day}&to=${day}`, SUPPORT)).status).toBe(403);
  expect((await http('GET', `/analytics/daily?from=${day}&to=${day}`, ADMIN)).status).toBe(200);
  expect((await http('GET', '/analytics/daily?from=2026-01-01&to=2027-06-01', ANALYST)).status).toBe(400);
  expect((await http('GET', `/analytics/daily?from=${day}&to=${day}&metrics=profit`, ANALYST)).status).toBe(400);
});

it('redelivering the whole stream to the metrics consumer changes no counter; a new order counts once', async () => {
  await metricsReach(day, expected);
  expect(await runtime!.stop()).toBe(0);

  // Forget where the metrics consumer was: on the next start it reads every shard from TRIM_HORIZON again.
  const checkpointFile = join(dataDir, 'stream-checkpoints.json');
  const checkpoints = JSON.parse(readFileSync(checkpointFile, 'utf8')) as Record<string, { shards: Record<string, { sequenceNumber?: string }> }>;
  expect(checkpoints[METRICS_CONSUMER.name]).toBeDefined();
  delete checkpoints[METRICS_CONSUMER.name];
  writeFileSync(checkpointFile, JSON.stringify(checkpoints));

  runtime = await startRuntimeProcess({ dataDir, logFile: join(workDir, 'runtime.log') });
  // The replay is over once the metrics consumer's checkpoint has caught up with the audit consumer's on every shard.
  await eventually('the metrics consumer to read the stream again', async () => {
    const now = JSON.parse(readFileSync(checkpointFile, 'utf8')) as typeof checkpoints;
    const metrics = now[METRICS_CONSUMER.name]?.shards;
    const audit = now.audit?.shards;
    if (!metrics || !audit) return undefined;
    return Object.entries(audit).every(([shard, at]) => metrics[shard]?.sequenceNumber === at.sequenceNumber) ? true : undefined;
  });
  // The replay did deliver the workload again: the stream still holds its payments (a consumer without a checkpoint gets them all).
  expect(await paymentInsertsInStream()).toBeGreaterThanOrEqual(expected.paymentsCount as number);
  const replayed = await daily(day);
  expect(replayed.body.days[0].metrics).toEqual(expected);

  // The consumer still counts new changes, once.
  await clockToDayAhead(0, day);
  const order = await expectStatus(http('POST', '/orders', OPS, { customerId, lines: [{ productId, quantity: 1 }] }), 201);
  expect(String(order.body.createdAt).slice(0, 10)).toBe(day);
  await metricsReach(day, { ...expected, ordersCreated: (expected.ordersCreated as number) + 1 });
});
