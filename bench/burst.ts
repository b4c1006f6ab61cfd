import { mkdtempSync, rmSync } from 'node:fs';
import { BatchGetItemCommand, GetItemCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '../functions/shared/ids';
import { auditKeys, metricKeys } from '../functions/shared/keys';
import { localDynamoClient } from '../local/dynamodb';
import { killGroup, startRuntimeProcess } from '../tests/support/runtime-process';
import { percentile, round } from './stats';

/** Audit entries appended so far: one marker per entry (a Scan of the audit table, COUNT only). */
async function auditedRecords(client: DynamoDBClient, table: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, Select: 'COUNT', FilterExpression: 'begins_with(pk, :event)', ExpressionAttributeValues: marshall({ ':event': 'EVENT#' }), ExclusiveStartKey: startKey }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey);
  return count;
}

/** Orders whose audit chain has no head yet (BatchGetItem of the heads, 100 at a time). */
async function notYetAudited(client: DynamoDBClient, table: string, orderIds: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (let start = 0; start < orderIds.length; start += 100) {
    const ids = orderIds.slice(start, start + 100);
    const { Responses, UnprocessedKeys } = await client.send(
      new BatchGetItemCommand({ RequestItems: { [table]: { Keys: ids.map((id) => marshall(auditKeys.head('order', id))), ProjectionExpression: 'entityId' } } }),
    );
    const found = new Set((Responses?.[table] ?? []).map((item) => item.entityId?.S));
    if (UnprocessedKeys?.[table]?.Keys?.length) return [...orderIds]; // busy: ask again
    missing.push(...ids.filter((id) => !found.has(id)));
  }
  return missing;
}

async function ordersCounted(client: DynamoDBClient, table: string, day: string): Promise<number> {
  const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: marshall(metricKeys.day(day)), ConsistentRead: true }));
  return Number(Item?.ordersCreated?.N ?? 0);
}

/**
 * A burst of orders on the local runtime (`npm start` in a process of its own, DynamoDB Local, the
 * stream poller with the consumers' AWS settings): a partner registers a receiver on 127.0.0.1 for
 * `order.created`, then places `orders` orders through the partner API, 16 at a time. Measured:
 * - the write rate the runtime sustained, in orders/s and in audited records/s (audit entries of
 *   the burst over its duration: an order writes several items);
 * - backlog drain after the last write: until every order's audit chain exists, until the daily
 *   metrics count every order, and until every event reached the receiver;
 * - per order, write → delivery latency of its webhook: the stream poller, the partner events
 *   consumer, the durable local queue and the delivery worker, signing included.
 */
export async function measureRuntimeBurst(orders: number) {
  const workDir = mkdtempSync(join(tmpdir(), 'backoffice-bench-burst-'));
  const arrived = new Map<string, number>();
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const envelope = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data: { id: string } };
      if (!arrived.has(envelope.data.id)) arrived.set(envelope.data.id, performance.now());
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  const runtime = await startRuntimeProcess({ dataDir: join(workDir, 'data'), reset: true, logFile: join(workDir, 'runtime.log') });
  try {
    const call = async (method: string, path: string, auth: Record<string, string>, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${runtime.url}${path}`, {
        method,
        headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return JSON.parse(text) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- bench reads arbitrary JSON
    };
    const admin = { authorization: `Bearer ${runtime.credentials().tokens['admin@example.com']!}` };
    // A partner of its own whose throttle is above the load, so the gateway does not slow it down.
    const partner = await call('POST', '/admin/v1/partners', admin, { name: `bench-${newId()}`, scopes: ['orders:read', 'orders:write', 'webhooks:manage'], tier: 'premium', rateLimit: { requestsPerSecond: 1000, burst: 1000 } });
    const key = await call('POST', `/admin/v1/partners/${partner.id}/keys`, admin, {});
    const auth = { 'x-api-key': key.key as string };
    const product = await call('POST', '/admin/v1/products', admin, { sku: `HOOK-${newId()}`, name: 'Bench hook item', price: { amount: 500, currency: 'EUR' }, status: 'active' });
    await call('POST', `/admin/v1/products/${product.id}/stock-adjustments`, admin, { delta: orders * 2, reason: 'Goods received' });
    const customer = await call('POST', '/partner/v1/customers', auth, { name: 'Bench', email: `${newId().toLowerCase()}@example.com` }, { 'idempotency-key': newId() });
    await call('POST', '/partner/v1/webhooks', auth, { url: hookUrl, eventTypes: ['order.created'] });

    const { dynamodbEndpoint, tableName, auditTableName } = runtime.credentials();
    const dynamo = localDynamoClient(dynamodbEndpoint);
    // Let the set-up's changes settle, so the counts below are the burst's own.
    const deadlineSetUp = Date.now() + 60_000;
    let auditedBefore = await auditedRecords(dynamo, auditTableName);
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const now = await auditedRecords(dynamo, auditTableName);
      if (now === auditedBefore || Date.now() > deadlineSetUp) break;
      auditedBefore = now;
    }
    const day = new Date().toISOString().slice(0, 10);
    const countedBefore = await ordersCounted(dynamo, tableName, day);

    const written = new Map<string, number>();
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < orders) {
        next++;
        const order = await call('POST', '/partner/v1/orders', auth, { customerId: customer.id, lines: [{ productId: product.id, quantity: 1 }] }, { 'idempotency-key': newId() });
        written.set(order.id as string, performance.now());
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const writesDone = performance.now();
    const deadline = Date.now() + 120_000;
    let auditDrained: number | undefined;
    let metricsDrained: number | undefined;
    let pending = [...written.keys()];
    while ((arrived.size < orders || auditDrained === undefined || metricsDrained === undefined) && Date.now() < deadline) {
      if (auditDrained === undefined) {
        pending = await notYetAudited(dynamo, auditTableName, pending);
        if (pending.length === 0) auditDrained = performance.now();
      }
      if (metricsDrained === undefined && (await ordersCounted(dynamo, tableName, day)) >= countedBefore + orders) metricsDrained = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const auditedDuringBurst = (await auditedRecords(dynamo, auditTableName)) - auditedBefore;
    dynamo.destroy();
    const last = Math.max(...arrived.values());
    const burstSeconds = (writesDone - started) / 1000;
    const latencies = [...written].filter(([id]) => arrived.has(id)).map(([id, at]) => arrived.get(id)! - at);
    const drained = (at: number | undefined) => (at === undefined ? null : round(Math.max(0, at - writesDone), 0));
    return {
      orders,
      burstSeconds: round(burstSeconds, 1),
      auditedRecords: auditedDuringBurst,
      auditedRecordsPerOrder: round(auditedDuringBurst / orders, 1),
      auditedRecordsPerSecond: round(auditedDuringBurst / burstSeconds, 0),
      auditDrainMs: drained(auditDrained),
      metricsDrainMs: drained(metricsDrained),
      delivered: arrived.size,
      writesPerSecond: round(orders / burstSeconds, 1),
      deliveriesPerSecond: round(arrived.size / ((last - started) / 1000), 1),
      latencyP50Ms: round(percentile(latencies, 50), 0),
      latencyP99Ms: round(percentile(latencies, 99), 0),
      drainAfterLastWriteMs: round(Math.max(0, last - writesDone), 0),
    };
  } finally {
    const code = await runtime.stop();
    if (code !== 0) killGroup(runtime.child);
    await new Promise((resolve) => receiver.close(resolve));
    rmSync(workDir, { recursive: true, force: true });
  }
}
