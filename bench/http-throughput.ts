import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { newId } from '../functions/shared/ids';
import { killGroup, startRuntimeProcess } from '../tests/support/runtime-process';
import { round } from './stats';

/**
 * HTTP throughput of the local runtime (`npm start` in a process of its own: the gateway, the
 * handlers in process, DynamoDB Local, the stream consumers), with autocannon as the client in the
 * bench process: `connections` connections for `durationSeconds` each, first a GET of a product
 * (admin API, a staff token), then placing orders (partner API, an API key, a unique
 * Idempotency-Key per request). The runtime's access log is off; the partner's throttle is set above
 * the load so the gateway's rate limit does not cap it.
 */
export interface LoadResult {
  label: string;
  requests: number;
  requestsPerSecond: number;
  /** 2xx answers per second. */
  okPerSecond: number;
  latencyP50Ms: number;
  latencyP97_5Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
}

export interface HttpThroughputResult {
  connections: number;
  durationSeconds: number;
  get: LoadResult;
  order: LoadResult;
  /** Orders placed per second (201s): the write rate the stream consumers must keep up with. */
  ordersPerSecond: number;
  /** Stream records the audit consumer receives per order (from the route measurement), when known. */
  auditedRecordsPerOrder?: number;
  /** ordersPerSecond × auditedRecordsPerOrder. */
  auditedRecordsPerSecond?: number;
}

function loadResult(label: string, r: autocannon.Result): LoadResult {
  return {
    label,
    requests: r.requests.total,
    requestsPerSecond: round(r.requests.total / r.duration, 1),
    okPerSecond: round(r['2xx'] / r.duration, 1),
    latencyP50Ms: r.latency.p50,
    latencyP97_5Ms: r.latency.p97_5,
    latencyP99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

/**
 * `auditedRecordsPerOrder`: how many stream records one order makes that the audit consumer appends
 * (routeCostColumns(…).consumers.audited of partnerCreateOrder); without it the audited write rate
 * is not reported.
 */
export async function measureHttpThroughput(options: { connections?: number; durationSeconds?: number; auditedRecordsPerOrder?: number } = {}): Promise<HttpThroughputResult> {
  const connections = options.connections ?? 16;
  const durationSeconds = options.durationSeconds ?? 10;
  const workDir = mkdtempSync(join(tmpdir(), 'backoffice-bench-http-'));
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
    const partner = await call('POST', '/admin/v1/partners', admin, {
      name: `bench-${newId()}`,
      scopes: ['catalog:read', 'orders:read', 'orders:write'],
      tier: 'premium',
      rateLimit: { requestsPerSecond: 10_000, burst: 10_000 },
      dailyQuota: 100_000_000,
    });
    const key = await call('POST', `/admin/v1/partners/${partner.id}/keys`, admin, {});
    const auth = { 'x-api-key': key.key as string };
    const product = await call('POST', '/admin/v1/products', admin, { sku: `HTTP-${newId()}`, name: 'Bench load item', price: { amount: 500, currency: 'EUR' }, status: 'active' });
    await call('POST', `/admin/v1/products/${product.id}/stock-adjustments`, admin, { delta: 1_000_000, reason: 'Goods received' });
    const customer = await call('POST', '/partner/v1/customers', auth, { name: 'Bench', email: `${newId().toLowerCase()}@example.com` }, { 'idempotency-key': newId() });

    const run = (opts: Omit<autocannon.Options, 'url'>) => autocannon({ url: runtime.url, connections, duration: durationSeconds, ...opts });
    // A short warm-up of both routes (the runtime's modules load on first use).
    await run({ duration: 1, connections: 2, requests: [{ method: 'GET', path: `/admin/v1/products/${product.id}`, headers: admin }] });
    const orderBody = JSON.stringify({ customerId: customer.id, lines: [{ productId: product.id, quantity: 1 }] });
    const orderRequest: autocannon.Request = {
      method: 'POST',
      path: '/partner/v1/orders',
      headers: { ...auth, 'content-type': 'application/json' },
      body: orderBody,
      setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'idempotency-key': newId() } }),
    };
    await run({ duration: 1, connections: 2, requests: [orderRequest] });

    const get = loadResult(`GET /admin/v1/products/{id}`, await run({ requests: [{ method: 'GET', path: `/admin/v1/products/${product.id}`, headers: admin }] }));
    const order = loadResult('POST /partner/v1/orders', await run({ requests: [orderRequest] }));
    const perOrder = options.auditedRecordsPerOrder;
    return {
      connections,
      durationSeconds,
      get,
      order,
      ordersPerSecond: order.okPerSecond,
      ...(perOrder === undefined ? {} : { auditedRecordsPerOrder: perOrder, auditedRecordsPerSecond: round(order.okPerSecond * perOrder, 1) }),
    };
  } finally {
    const code = await runtime.stop();
    if (code !== 0) killGroup(runtime.child);
    rmSync(workDir, { recursive: true, force: true });
  }
}

export function httpThroughputReportLines(r: HttpThroughputResult): string[] {
  const row = (l: LoadResult) =>
    `| \`${l.label}\` | ${l.requests.toLocaleString('en')} | ${l.requestsPerSecond} | ${l.okPerSecond} | ${l.latencyP50Ms} ms | ${l.latencyP97_5Ms} ms | ${l.latencyP99Ms} ms | ${l.non2xx} | ${l.errors} |`;
  return [
    '## HTTP throughput of the local runtime',
    '',
    `The local runtime (\`npm start\` in a process of its own: gateway, handlers, DynamoDB Local, stream consumers) under [autocannon](https://github.com/mcollina/autocannon) in the bench process, ${r.connections} connections for ${r.durationSeconds} s per route after a 1 s warm-up. The GET reads one product as admin (the authorization read and one GetItem); the order is placed by a partner (key authorizer, one TransactWriteItems: the order, its stock reservation and the idempotency record), each request with an Idempotency-Key of its own. Client, runtime and DynamoDB Local share the machine's 2 cores, so these are the runtime's rates here, not Lambda's.`,
    '',
    '| route | requests | requests/s | 2xx/s | p50 | p97.5 | p99 | non-2xx | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    row(r.get),
    row(r.order),
    '',
    r.auditedRecordsPerSecond === undefined
      ? `Write rate: ${r.ordersPerSecond} orders/s.`
      : `Write rate: ${r.ordersPerSecond} orders/s × ${r.auditedRecordsPerOrder} audited stream records per order (the route measurement's stream records of \`POST /partner/v1/orders\`) = **${r.auditedRecordsPerSecond} audited records/s** for the stream consumers to keep up with.`,
    '',
  ];
}

export function httpThroughputTargetRows(r: HttpThroughputResult): string[] {
  return [
    `| HTTP throughput of the local gateway at concurrency ${r.connections} (autocannon) | GET ${r.get.requestsPerSecond} req/s (p50 ${r.get.latencyP50Ms} ms, p99 ${r.get.latencyP99Ms} ms, ${r.get.non2xx} non-2xx); orders ${r.ordersPerSecond}/s (p50 ${r.order.latencyP50Ms} ms, p99 ${r.order.latencyP99Ms} ms, ${r.order.non2xx} non-2xx)${r.auditedRecordsPerSecond === undefined ? '' : ` ≈ ${r.auditedRecordsPerSecond} audited records/s`} | reported |`,
  ];
}
