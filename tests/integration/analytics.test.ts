import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { handler as consumer } from '../../functions/analytics/consumer';
import { handler as analyticsHandler } from '../../functions/analytics/handler';
import { analyticsRoutes } from '../../functions/analytics/routes';
import { newId } from '../../functions/shared/ids';
import { metricKeys } from '../../functions/shared/keys';
import { METRICS_CONSUMER } from '../../functions/shared/schema/stream-consumers';
import { SINGLE_TABLE } from '../../functions/shared/schema/tables';
import { ensureTable, localDynamoClient } from '../../local/dynamodb';
import { createStreamPoller, type FailureMessage, type StreamPoller } from '../../local/stream-poller';
import { adminEvent, lambdaContext, parse, routeById } from '../support/lambda-events';
import { countRequests } from '../support/request-counter';
import { createStaff } from '../support/staff';

/**
 * Daily metrics against DynamoDB Local: the metrics consumer fed by the local stream poller (Lambda's
 * event source mapping semantics, the METRICS_CONSUMER settings) from a real stream of a table of
 * its own; counters are written to the test table (TABLE_NAME). The days used are a random far-future
 * year, so no other test's data shares them. Then redelivery of every batch, and the route.
 */
jest.setTimeout(60_000);

let client: DynamoDBClient;
beforeAll(() => {
  client = localDynamoClient(process.env.AWS_ENDPOINT_URL_DYNAMODB!);
});
afterAll(() => client.destroy());

const YEAR = 2100 + Math.floor(Math.random() * 800);
const DAY1 = `${YEAR}-03-01`;
const DAY2 = `${YEAR}-03-02`;
const at = (day: string, time: string) => `${day}T${time}.000Z`;

/** The stored counters of a day (the raw item, keys included). */
async function dayItem(date: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await client.send(new GetItemCommand({ TableName: process.env.TABLE_NAME!, Key: marshall(metricKeys.day(date)), ConsistentRead: true }));
  return Item ? unmarshall(Item) : undefined;
}

const route = routeById(analyticsRoutes, 'getDailyMetrics');
const daily = async (query: Record<string, string>, staffId: string) => parse(await analyticsHandler(adminEvent(route, { staffId, query }), lambdaContext()));

describe('the consumer behind the local stream poller (a real DynamoDB Local stream)', () => {
  let table: string;
  let stateDir: string;
  let poller: StreamPoller;
  let analyst: string;
  const delivered: DynamoDBStreamEvent[] = [];

  beforeAll(async () => {
    table = `MetricsSource-${randomUUID().slice(0, 8)}`;
    stateDir = mkdtempSync(join(tmpdir(), 'metrics-poller-'));
    await ensureTable(client, SINGLE_TABLE, table);
    analyst = await createStaff(['analyst']);
  });

  afterAll(async () => {
    await poller?.stop();
    poller?.destroy();
    await client.send(new DeleteTableCommand({ TableName: table }));
    rmSync(stateDir, { recursive: true, force: true });
  });

  async function put(item: Record<string, unknown>) {
    await client.send(new PutItemCommand({ TableName: table, Item: marshall(item, { removeUndefinedValues: true }) }));
  }
  async function set(pk: string, sk: string, fields: Record<string, unknown>) {
    const names = Object.fromEntries(Object.keys(fields).map((k, i) => [`#s${i}`, k]));
    const values = Object.fromEntries(Object.values(fields).map((v, i) => [`:s${i}`, v]));
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: marshall({ pk, sk }),
        UpdateExpression: `SET ${Object.keys(fields).map((_, i) => `#s${i} = :s${i}`).join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: marshall(values),
      }),
    );
  }
  const order = (id: string, createdAt: string, currency = 'EUR') => ({
    pk: `ORDER#${id}`,
    sk: 'ORDER',
    entityType: 'order',
    id,
    status: 'pending_payment',
    currency,
    createdAt,
    updatedAt: createdAt,
    version: 1,
  });
  const money = (amount: number, currency = 'EUR') => ({ amount, currency });

  it('counts each change once on its day; a poison record goes to the failure destination and the others still count', async () => {
    const [o1, o2, o3] = [newId(), newId(), newId()];
    await put(order(o1, at(DAY1, '09:00:00')));
    await put(order(o2, at(DAY1, '23:59:59')));
    await put(order(o3, at(DAY2, '00:00:01'), 'USD'));
    await put({ pk: `ORDER#${o1}`, sk: `PAYMENT#${newId()}`, entityType: 'payment', amount: money(3000), createdAt: at(DAY1, '10:00:00') });
    await set(`ORDER#${o1}`, 'ORDER', { status: 'paid', updatedAt: at(DAY1, '10:00:00') });
    await put({ pk: `ORDER#${o3}`, sk: `PAYMENT#${newId()}`, entityType: 'payment', amount: money(700, 'USD'), createdAt: at(DAY2, '08:00:00') });
    await set(`ORDER#${o1}`, 'ORDER', { paidAmount: 3000 }); // no status change: counts nothing
    await put({ pk: `ORDER#${o1}`, sk: `REFUND#${newId()}`, entityType: 'refund', amount: money(500), createdAt: at(DAY2, '12:00:00') });
    await put({ pk: `ORDER#${o3}`, sk: `REFUND#${newId()}`, entityType: 'refund', amount: money(200, 'USD'), createdAt: at(DAY2, '14:00:00') });
    await put({ pk: 'JUNK#1', sk: 'PAYMENT', entityType: 'payment', amount: money(1, 'XXX'), createdAt: at(DAY1, '11:00:00') }); // poison
    await set(`ORDER#${o2}`, 'ORDER', { status: 'cancelled', updatedAt: at(DAY2, '13:00:00') });
    await put({ pk: `ORDER#${o2}`, sk: `EVENT#${newId()}`, entityType: 'order_event', from: 'pending_payment', to: 'cancelled' }); // filtered out
    await put({ pk: `METRICS#DAILY`, sk: `DAY#${DAY1}#fake`, entityType: 'metric', ordersCreated: 99 }); // derived: filtered out
    const ticket = newId();
    await put({ pk: `TICKET#${ticket}`, sk: 'TICKET', entityType: 'ticket', status: 'open', createdAt: at(DAY1, '08:00:00'), updatedAt: at(DAY1, '08:00:00') });
    await set(`TICKET#${ticket}`, 'TICKET', { status: 'in_progress', updatedAt: at(DAY1, '09:00:00') });
    await set(`TICKET#${ticket}`, 'TICKET', { status: 'resolved', resolvedAt: at(DAY2, '08:00:00'), updatedAt: at(DAY2, '08:00:00') });
    const approval = newId();
    await put({ pk: `APPROVAL#${approval}`, sk: 'APPROVAL', entityType: 'approval', status: 'pending', createdAt: at(DAY2, '09:00:00'), steps: [{ role: 'finance', status: 'open' }] });
    await set(`APPROVAL#${approval}`, 'APPROVAL', { status: 'approved', updatedAt: at(DAY2, '09:30:00'), steps: [{ role: 'finance', status: 'approved', decidedAt: at(DAY2, '09:30:00') }] });

    poller = createStreamPoller({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB!, tableName: table, stateDir, pollIntervalMs: 20, retryBaseDelayMs: 1 });
    poller.register({
      name: METRICS_CONSUMER.name,
      batchSize: 4,
      maxRetries: 2,
      bisectOnError: METRICS_CONSUMER.bisectOnError,
      filter: { excludeEntityTypes: METRICS_CONSUMER.excludeEntityTypes, entityTypes: METRICS_CONSUMER.entityTypes! },
      handler: async (event, context) => {
        delivered.push(structuredClone(event));
        return consumer(event, context);
      },
    });
    poller.start();
    await poller.settled();

    // Only the entity types that move a metric were delivered.
    const types = new Set(delivered.flatMap((e) => e.Records).map((r) => r.dynamodb?.NewImage?.entityType?.S));
    expect([...types].sort()).toEqual(['approval', 'order', 'payment', 'refund', 'ticket']);

    const reply = await daily({ from: DAY1, to: `${YEAR}-03-03` }, analyst);
    expect(reply.status).toBe(200);
    const [first, second, third] = reply.body.days;
    expect(first).toEqual({
      date: DAY1,
      metrics: {
        ordersCreated: 2,
        revenue: { amount: 3000, currency: 'EUR' },
        paymentsCount: 1,
        refunds: { count: 0, amount: { amount: 0, currency: 'EUR' } },
        orderTransitions: { paid: 1, fulfilling: 0, shipped: 0, delivered: 0, completed: 0, cancelled: 0 },
        ticketsOpened: 1,
        ticketsResolved: 0,
        ticketResolutionTime: { count: 0, averageSeconds: null },
        approvalsDecided: { count: 0, approved: 0, rejected: 0 },
        approvalLeadTime: { count: 0, averageSeconds: null },
      },
    });
    expect(second).toEqual({
      date: DAY2,
      metrics: {
        ordersCreated: 1,
        revenue: { amount: 0, currency: 'EUR' },
        paymentsCount: 1,
        refunds: { count: 1, amount: { amount: 500, currency: 'EUR' } },
        orderTransitions: { paid: 0, fulfilling: 0, shipped: 0, delivered: 0, completed: 0, cancelled: 1 },
        ticketsOpened: 0,
        ticketsResolved: 1,
        ticketResolutionTime: { count: 1, averageSeconds: 24 * 3600 },
        approvalsDecided: { count: 1, approved: 1, rejected: 0 },
        approvalLeadTime: { count: 1, averageSeconds: 1800 },
      },
    });
    expect(third.metrics.ordersCreated).toBe(0);
    // Refunds are counted per currency, like their amounts: the EUR day above counts the EUR refund only.
    const usd = await daily({ from: DAY2, to: DAY2, currency: 'USD', metrics: 'revenue,refunds' }, analyst);
    expect(usd.body.days).toEqual([{ date: DAY2, metrics: { revenue: { amount: 700, currency: 'USD' }, refunds: { count: 1, amount: { amount: 200, currency: 'USD' } } } }]);
    const chf = await daily({ from: DAY2, to: DAY2, currency: 'CHF', metrics: 'refunds' }, analyst);
    expect(chf.body.days).toEqual([{ date: DAY2, metrics: { refunds: { count: 0, amount: { amount: 0, currency: 'CHF' } } } }]);

    // The poison record: in the failure destination, with Lambda's failure-record shape.
    const file = join(stateDir, 'failures', `${METRICS_CONSUMER.name}.jsonl`);
    expect(existsSync(file)).toBe(true);
    const failures = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as FailureMessage);
    const failedKeys = failures.flatMap((f) => f.records).map((r) => r.dynamodb?.NewImage?.pk?.S);
    expect(failedKeys).toContain('JUNK#1');
    // The message names the rest of the poison record's batch too (Lambda's semantics); those records
    // were counted on the attempts, as the exact counts above show.
    expect(failures.every((f) => f.requestContext.condition === 'RetryAttemptsExhausted')).toBe(true);
  });

  it('redelivering every batch, again and concurrently, changes no counter', async () => {
    const before = await Promise.all([dayItem(DAY1), dayItem(DAY2)]);
    expect(before[0]).toMatchObject({ ordersCreated: 2 });

    for (const event of delivered) {
      let failedIds: string[];
      try {
        failedIds = (await consumer(structuredClone(event), lambdaContext())).batchItemFailures.map((f) => f.itemIdentifier);
      } catch {
        failedIds = event.Records.map((r) => r.dynamodb!.SequenceNumber!); // every record failed
      }
      // Only the poison record fails again.
      const failed = event.Records.filter((r) => failedIds.includes(r.dynamodb!.SequenceNumber!));
      expect(failed.map((r) => r.dynamodb?.NewImage?.pk?.S).filter((pk) => pk !== 'JUNK#1')).toEqual([]);
    }
    await Promise.all(delivered.map((event) => consumer(structuredClone(event), lambdaContext()).catch(() => undefined)));

    expect(await Promise.all([dayItem(DAY1), dayItem(DAY2)])).toEqual(before);
  });

  it('the same record delivered twice at once, and once more later, counts once', async () => {
    // A batch of one payment delivered concurrently (a retried invocation overlapping a slow one), then again.
    const day = `${YEAR}-04-01`;
    const event: DynamoDBStreamEvent = {
      Records: [
        {
          eventID: randomUUID(),
          eventName: 'INSERT',
          eventSource: 'aws:dynamodb',
          dynamodb: {
            SequenceNumber: '1',
            NewImage: marshall({ pk: `ORDER#${newId()}`, sk: `PAYMENT#${newId()}`, entityType: 'payment', amount: money(250), createdAt: at(day, '10:00:00') }) as never,
          },
        },
      ],
    };
    await Promise.all([consumer(structuredClone(event), lambdaContext()), consumer(structuredClone(event), lambdaContext())]);
    await consumer(structuredClone(event), lambdaContext());
    expect(await dayItem(day)).toMatchObject({ paymentsCount: 1, revenue_EUR: 250, entityType: 'metric', date: day });
  });

  it('a batch of 150 payments over two days is counted in few requests, and once when parts of it arrive again, at once', async () => {
    const days = [`${YEAR}-05-01`, `${YEAR}-05-02`];
    const records = Array.from({ length: 150 }, (_, i) => ({
      eventID: randomUUID(),
      eventName: 'INSERT' as const,
      eventSource: 'aws:dynamodb',
      dynamodb: {
        SequenceNumber: String(i + 1),
        NewImage: marshall({ pk: `ORDER#${newId()}`, sk: `PAYMENT#${newId()}`, entityType: 'payment', amount: money(10), createdAt: at(days[i % 2]!, '09:00:00') }) as never,
      },
    }));
    const counter = countRequests();
    counter.reset();
    expect((await consumer({ Records: structuredClone(records.slice(0, 100)) }, lambdaContext())).batchItemFailures).toEqual([]);
    // One read of the markers, then 98 markers and the two days in one transaction, the last 2 in a second.
    expect(counter.commands()).toEqual(['BatchGetItem', 'TransactWriteItems', 'TransactWriteItems']);
    // Overlapping redeliveries at once: each record still counts once.
    await Promise.all([
      consumer({ Records: structuredClone(records.slice(50)) }, lambdaContext()),
      consumer({ Records: structuredClone(records.slice(50)) }, lambdaContext()),
      consumer({ Records: structuredClone(records.slice(0, 100)) }, lambdaContext()),
    ]);
    expect(await dayItem(days[0]!)).toMatchObject({ paymentsCount: 75, revenue_EUR: 750 });
    expect(await dayItem(days[1]!)).toMatchObject({ paymentsCount: 75, revenue_EUR: 750 });
  });
});

describe('GET /analytics/daily', () => {
  let analyst: string;
  let support: string;
  beforeAll(async () => {
    [analyst, support] = await Promise.all([createStaff(['analyst']), createStaff(['support'])]);
  });

  it('answers every day of the range with zeros where nothing happened', async () => {
    const year = 2100 + Math.floor(Math.random() * 800);
    const reply = await daily({ from: `${year}-02-27`, to: `${year}-03-01`, metrics: 'ordersCreated,refunds' }, analyst);
    expect(reply.status).toBe(200);
    expect(reply.body.days.map((d: { date: string }) => d.date)[0]).toBe(`${year}-02-27`);
    expect(reply.body.days.at(-1)).toEqual({ date: `${year}-03-01`, metrics: { ordersCreated: 0, refunds: { count: 0, amount: { amount: 0, currency: 'EUR' } } } });
  });

  it('refuses a range over 366 days, a reversed range, an unknown metric (400) and callers without analytics:read (403)', async () => {
    const bad: Array<Record<string, string>> = [
      { from: '2026-01-01', to: '2027-01-02' },
      { from: '2026-03-02', to: '2026-03-01' },
      { from: '2026-03-01', to: '2026-03-02', metrics: 'ordersCreated,profit' },
      { from: '2026-03-01' },
    ];
    for (const query of bad) {
      const reply = await daily(query, analyst);
      expect({ query, status: reply.status, type: reply.headers['content-type'] }).toEqual({ query, status: 400, type: 'application/problem+json' });
    }
    expect((await daily({ from: '2026-01-01', to: '2027-01-01' }, analyst)).body.days).toHaveLength(366);
    expect((await daily({ from: '2026-03-01', to: '2026-03-01' }, support)).status).toBe(403);
  });
});
