import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { DERIVED_ENTITY_TYPES } from '../../functions/shared/schema/tables';
import { processAlive, type LockInfo } from '../../local/data-dir-lock';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient } from '../../local/dynamodb';
import type { RecordedDelivery } from '../../local/stream-recorder';
import { killGroup, scanTable, startRuntimeProcess, type RuntimeProcess } from '../support/runtime-process';

/**
 * Crash safety (issue 10): the local runtime is killed with SIGKILL in the middle of a workload of
 * concurrent writes — product creates and SKU changes (a three-item transaction), orders that
 * reserve stock and their payments that post to the ledger — and started again on the same data. Then:
 * - every write answered 2xx before the kill is there, with the state that answer reported;
 * - no command is half-applied: products and their SKU claims match one to one; every product's
 *   reserved stock is the sum of the order lines that reserved it; the ledger balances and its
 *   cash account holds exactly the payments recorded on the orders;
 * - the stream poller resumes from its checkpoints: a test consumer (local/stream-recorder.ts)
 *   received every stream record, nothing up to its checkpoint at the kill again, at most the one
 *   batch after it twice (at-least-once delivery); the audit consumer, which dedupes on the event
 *   id, holds exactly one entry per change of every product and every chain verifies.
 * Finally a kill of Node alone leaves DynamoDB Local running on the data directory: the next start
 * stops it before starting its own.
 */
jest.setTimeout(90_000);

const WORKERS = 8;
const ACKS_BEFORE_KILL = 40;
const RECORDER_BATCH = 10;

interface OrderState {
  id: string;
  total: number;
  /** The payment answered 201, if any. */
  paymentId?: string;
}

interface ProductState {
  id: string;
  /** SKU and version of the last 2xx answer. */
  sku: string;
  version: number;
  /** A SKU change sent but not answered when the runtime died: it may or may not have happened. */
  pendingSku?: string;
}

let workDir: string;
let runtime: RuntimeProcess | undefined;
let dataDir: string;
let recorderFile: string;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'backoffice-crash-'));
  dataDir = join(workDir, 'data');
  recorderFile = join(workDir, 'deliveries.jsonl');
});

afterAll(async () => {
  if (runtime) {
    const code = await runtime.stop();
    if (code !== 0) killGroup(runtime.child);
  }
  rmSync(workDir, { recursive: true, force: true });
});

const start = (reset = false) =>
  startRuntimeProcess({ dataDir, reset, env: { BACKOFFICE_STREAM_RECORDER: recorderFile }, logFile: join(workDir, 'runtime.log') });

async function api(base: string, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

function deliveries(): RecordedDelivery[] {
  if (!existsSync(recorderFile)) return [];
  // A line cut by the kill (not possible for one small append, but harmless) is ignored.
  return readFileSync(recorderFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.endsWith('}'))
    .map((line) => JSON.parse(line) as RecordedDelivery);
}

/** Every record of the single table's stream that reaches consumers (derived entity types are filtered out). */
async function streamRecords(endpoint: string, table: string): Promise<Array<{ eventID: string; sequenceNumber: string; shardId: string; pk: string }>> {
  const dynamo = localDynamoClient(endpoint);
  const streams = new DynamoDBStreamsClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: table }));
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: Table!.LatestStreamArn! }));
    const found: Array<{ eventID: string; sequenceNumber: string; shardId: string; pk: string }> = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      let { ShardIterator: iterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn: Table!.LatestStreamArn!, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      while (iterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        for (const record of page.Records ?? []) {
          const image = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
          const type = image?.entityType?.S;
          if (type === undefined || (DERIVED_ENTITY_TYPES as readonly string[]).includes(type)) continue;
          found.push({ eventID: record.eventID!, sequenceNumber: record.dynamodb!.SequenceNumber!, shardId: shard.ShardId!, pk: record.dynamodb!.Keys!.pk!.S! });
        }
        if (!page.Records?.length) break;
        iterator = page.NextShardIterator;
      }
    }
    return found;
  } finally {
    dynamo.destroy();
    streams.destroy();
  }
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const STOCKED = 3;
const STOCK = 10_000;

/** A customer and a few products with stock, for the order workload. */
async function orderFixtures(rt: RuntimeProcess): Promise<{ customerId: string; stocked: string[] }> {
  const token = rt.credentials().tokens['admin@example.com']!;
  const customer = await api(rt.url, token, 'POST', '/customers', { name: 'Crash Test Customer', email: 'crash@example.com' });
  expect(customer.status).toBe(201);
  const stocked: string[] = [];
  for (let i = 0; i < STOCKED; i++) {
    const product = await api(rt.url, token, 'POST', '/products', { sku: `STOCKED-${i}`, name: `Stocked ${i}`, price: { amount: 250, currency: 'EUR' }, status: 'active' });
    expect(product.status).toBe(201);
    const adjusted = await api(rt.url, token, 'POST', `/products/${String(product.body!.id)}/stock-adjustments`, { delta: STOCK, reason: 'crash test stock' });
    expect(adjusted.status).toBe(201);
    stocked.push(String(product.body!.id));
  }
  return { customerId: String(customer.body!.id), stocked };
}

/**
 * Concurrent writes until `ACKS_BEFORE_KILL` answers, then `kill()` mid-flight: half the workers
 * create products and change SKUs, the other half place orders (stock reserved in the same
 * transaction) and pay them (ledger entries in the same transaction).
 */
async function workloadThenKill(
  rt: RuntimeProcess,
  fixtures: { customerId: string; stocked: string[] },
  kill: () => Promise<void>,
): Promise<{ products: Map<string, ProductState>; orders: Map<string, OrderState> }> {
  const token = rt.credentials().tokens['admin@example.com']!;
  const products = new Map<string, ProductState>();
  const orders = new Map<string, OrderState>();
  let acks = 0;
  let next = 0;
  let killing: Promise<void> | undefined;
  const acknowledged = () => {
    if (++acks >= ACKS_BEFORE_KILL) killing ??= kill();
  };
  const orderWorker = async () => {
    while (!killing) {
      const n = next++;
      const lines = fixtures.stocked.filter((_, i) => (n + i) % 2 === 0).map((productId, i) => ({ productId, quantity: 1 + ((n + i) % 3) }));
      try {
        const placed = await api(rt.url, token, 'POST', '/orders', { customerId: fixtures.customerId, lines });
        if (placed.status !== 201) throw new Error(`order answered ${placed.status}: ${JSON.stringify(placed.body)}`);
        const total = placed.body!.total as { amount: number; currency: string };
        const order: OrderState = { id: String(placed.body!.id), total: total.amount };
        orders.set(order.id, order);
        acknowledged();
        if (killing) break;
        const paid = await api(rt.url, token, 'POST', `/orders/${order.id}/payments`, { amount: total, method: 'card' });
        if (paid.status !== 201) throw new Error(`payment answered ${paid.status}: ${JSON.stringify(paid.body)}`);
        order.paymentId = String(paid.body!.id);
        acknowledged();
      } catch (error) {
        if (!killing) throw error;
      }
    }
  };
  const worker = async (w: number) => {
    if (w % 2 === 1) return orderWorker();
    while (!killing) {
      const n = next++;
      const sku = `CRASH-${w}-${n}`;
      try {
        const created = await api(rt.url, token, 'POST', '/products', { sku, name: `Crash ${n}`, price: { amount: 100 + n, currency: 'EUR' } });
        if (created.status !== 201) throw new Error(`create answered ${created.status}`);
        const state: ProductState = { id: String(created.body!.id), sku, version: 1 };
        products.set(state.id, state);
        acknowledged();
        if (n % 2 === 0 && !killing) {
          // Change the SKU: update the product, release the old claim, claim the new one — one transaction.
          state.pendingSku = `${sku}-B`;
          const changed = await api(rt.url, token, 'PATCH', `/products/${state.id}`, { sku: state.pendingSku }, { 'if-match': '"1"' });
          if (changed.status !== 200) throw new Error(`SKU change answered ${changed.status}`);
          state.sku = state.pendingSku;
          state.version = Number(changed.body!.version);
          delete state.pendingSku;
          acknowledged();
        }
      } catch (error) {
        // Requests cut by the kill have no answer: their outcome is unknown, not wrong.
        if (!killing) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  await killing;
  return { products, orders };
}

test('SIGKILL mid-workload: no acknowledged write lost, no half-applied command, consumers resume from their checkpoints', async () => {
  runtime = await start(true);
  const first = runtime;
  const lockBefore = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8')) as LockInfo;
  expect(lockBefore.dynamodbPid).toEqual(expect.any(Number));

  const fixtures = await orderFixtures(first);
  const { products, orders } = await workloadThenKill(first, fixtures, () => first.killAll());
  expect(products.size).toBeGreaterThan(0);
  expect(orders.size).toBeGreaterThan(0);
  // SIGKILL is immediate, but the JVM takes a moment to be torn down.
  await eventually('DynamoDB Local to die', async () => (processAlive(lockBefore.dynamodbPid!) ? undefined : true), 10_000);
  const checkpointsAtKill = JSON.parse(readFileSync(join(dataDir, 'stream-checkpoints.json'), 'utf8')) as Record<
    string,
    { shards: Record<string, { sequenceNumber?: string }> }
  >;

  runtime = await start();
  const second = runtime;
  const credentials = second.credentials();
  const token = credentials.tokens['admin@example.com']!;

  // 1. Every acknowledged write is there, as acknowledged (or with the change that was in flight).
  const items = await scanTable(credentials.dynamodbEndpoint, credentials.tableName);
  const byKey = new Map(items.map((i) => [i.pk!.S!, i]));
  for (const state of products.values()) {
    const item = byKey.get(`PRODUCT#${state.id}`);
    expect({ id: state.id, found: item !== undefined }).toEqual({ id: state.id, found: true });
    const allowed = state.pendingSku ? [state.sku, state.pendingSku] : [state.sku];
    expect(allowed).toContain(item!.sku!.S);
    expect(Number(item!.version!.N)).toBeGreaterThanOrEqual(state.version);
  }
  // …and the API serves them.
  const sample = [...products.values()].slice(0, 2);
  for (const state of sample) expect((await api(second.url, token, 'GET', `/products/${state.id}`)).status).toBe(200);

  // 2. No half-applied command: every product has exactly the claim of its current SKU and every claim its product.
  const crashProducts = items.filter((i) => i.entityType?.S === 'product' && i.sku?.S?.startsWith('CRASH-'));
  const claims = items.filter((i) => i.pk?.S?.startsWith('UNIQUE#SKU#CRASH-'));
  expect(crashProducts.length).toBeGreaterThanOrEqual(products.size);
  const claimOwners = new Map(claims.map((c) => [c.pk!.S!, c.ownerId?.S]));
  for (const product of crashProducts) expect(claimOwners.get(`UNIQUE#SKU#${product.sku!.S!.toUpperCase()}`)).toBe(product.id!.S);
  expect(claims).toHaveLength(crashProducts.length);

  // …orders, stock and ledger agree: every acknowledged order and payment is there; each stocked
  // product has exactly the reservations of the orders that exist (no order half-placed); the
  // ledger balances and its cash account (1000) holds exactly the payments on the orders.
  for (const order of orders.values()) {
    expect({ order: order.id, found: byKey.has(`ORDER#${order.id}`) }).toEqual({ order: order.id, found: true });
    if (order.paymentId) expect(items.some((i) => i.pk?.S === `ORDER#${order.id}` && i.sk?.S === `PAYMENT#${order.paymentId}`)).toBe(true);
  }
  const orderItems = items.filter((i) => i.pk?.S?.startsWith('ORDER#') && i.sk?.S === 'ORDER');
  for (const productId of fixtures.stocked) {
    const product = byKey.get(`PRODUCT#${productId}`)!;
    const reservedByOrders = orderItems
      .flatMap((o) => o.lines?.L ?? [])
      .filter((line) => line.M?.productId?.S === productId)
      .reduce((sum, line) => sum + Number(line.M!.quantity!.N), 0);
    expect({ productId, onHand: Number(product.onHand!.N), reserved: Number(product.reserved!.N), available: Number(product.available?.N ?? NaN) }).toEqual({
      productId,
      onHand: STOCK,
      reserved: reservedByOrders,
      available: STOCK - reservedByOrders,
    });
  }
  const payments = items.filter((i) => i.pk?.S?.startsWith('ORDER#') && i.sk?.S?.startsWith('PAYMENT#'));
  const paid = payments.reduce((sum, p) => sum + Number(p.amount!.M!.amount!.N), 0);
  const balance = await api(second.url, token, 'GET', '/ledger/trial-balance?currency=EUR');
  expect(balance.status).toBe(200);
  const totals = balance.body!.totals as { debit: number; credit: number; balance: number };
  expect(totals.debit).toBe(totals.credit);
  const cash = (balance.body!.accounts as Array<{ code: string; balance: number }>).find((a) => a.code === '1000');
  expect(cash?.balance ?? 0).toBe(paid);
  for (const order of orderItems) {
    const orderPayments = payments.filter((p) => p.pk!.S === order.pk!.S).reduce((sum, p) => sum + Number(p.amount!.M!.amount!.N), 0);
    expect({ order: order.pk!.S, paid: Number(order.paidAmount!.N), status: order.status!.S }).toEqual({
      order: order.pk!.S,
      paid: orderPayments,
      status: orderPayments >= Number(order.total!.N) ? 'paid' : 'pending_payment',
    });
  }

  // 3. The recorder resumes after its checkpoint: nothing lost, nothing up to the checkpoint again.
  const records = await streamRecords(credentials.dynamodbEndpoint, credentials.tableName);
  const delivered = await eventually('the recorder to receive the whole stream', async () => {
    const all = deliveries();
    const seen = new Set(all.map((d) => d.eventID));
    return records.every((r) => seen.has(r.eventID)) ? all : undefined;
  });
  const timesDelivered = new Map<string, number>();
  for (const d of delivered) timesDelivered.set(d.eventID, (timesDelivered.get(d.eventID) ?? 0) + 1);
  const checkpoint = checkpointsAtKill.recorder?.shards ?? {};
  const afterCheckpoint = (r: { shardId: string; sequenceNumber: string }) => {
    const at = checkpoint[r.shardId]?.sequenceNumber;
    return at === undefined || BigInt(r.sequenceNumber) > BigInt(at);
  };
  const twice = records.filter((r) => (timesDelivered.get(r.eventID) ?? 0) > 1);
  for (const record of records) {
    const times = timesDelivered.get(record.eventID) ?? 0;
    expect({ eventID: record.eventID, times: times >= 1 && times <= (afterCheckpoint(record) ? 2 : 1) }).toEqual({ eventID: record.eventID, times: true });
  }
  expect(twice.length).toBeLessThanOrEqual(RECORDER_BATCH);
  expect(records.filter((r) => !afterCheckpoint(r)).length).toBeGreaterThan(0);

  // 4. The audit log has exactly one entry per change of every product, and every chain verifies.
  const changesOf = new Map<string, number>();
  for (const r of records) changesOf.set(r.pk, (changesOf.get(r.pk) ?? 0) + 1);
  await Promise.all(
    crashProducts.map(async (product) => {
      const id = product.id!.S!;
      const expected = changesOf.get(`PRODUCT#${id}`) ?? 0;
      expect(expected).toBeGreaterThanOrEqual(1);
      const verified = await eventually(`the audit chain of product ${id}`, async () => {
        const { status, body } = await api(second.url, token, 'GET', `/audit/verify?entityType=product&entityId=${id}`);
        return status === 200 && body?.ok === true && body.entries === expected ? body : undefined;
      });
      expect(verified).toMatchObject({ ok: true, entries: expected });
    }),
  );
});

test('a kill of Node alone orphans DynamoDB Local on the data directory; the next start stops it first', async () => {
  const previous = runtime!;
  const lock = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8')) as LockInfo;
  await previous.killNode();
  expect(processAlive(lock.dynamodbPid!)).toBe(true);

  runtime = await start();
  expect(runtime.output()).toContain(`Stopping DynamoDB Local left running on ${dataDir}`);
  expect(processAlive(lock.dynamodbPid!)).toBe(false);
  const token = runtime.credentials().tokens['admin@example.com']!;
  const { status } = await api(runtime.url, token, 'GET', '/products?limit=1');
  expect(status).toBe(200);
  expect(await runtime.stop()).toBe(0);
  expect(existsSync(join(dataDir, 'runtime.json'))).toBe(false);
  runtime = undefined;
});
