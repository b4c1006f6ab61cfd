import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '../functions/shared/ids';
import { killGroup, startRuntimeProcess } from '../tests/support/runtime-process';
import { percentile, round } from './stats';

/**
 * Partner events on the local runtime (`npm start` in a process of its own, DynamoDB Local): a partner
 * registers a receiver on 127.0.0.1 for `order.created`, then places `orders` orders through the
 * partner API, 16 at a time. Per order, write → delivery latency is the time from the order's 201
 * (the write committed) to its event reaching the receiver: the stream poller, the partner events
 * consumer, the durable local queue and the delivery worker, signing included. Deliveries per second
 * = events delivered over the time from the first write to the last delivery.
 */
export async function measureWebhookDelivery(orders: number) {
  const workDir = mkdtempSync(join(tmpdir(), 'backoffice-bench-webhooks-'));
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
    while (arrived.size < orders && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const last = Math.max(...arrived.values());
    const latencies = [...written].filter(([id]) => arrived.has(id)).map(([id, at]) => arrived.get(id)! - at);
    return {
      orders,
      delivered: arrived.size,
      writesPerSecond: round(orders / ((writesDone - started) / 1000), 1),
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
