import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { freePort } from '../../local/ports';
import { adminToken, baseUrl } from '../support/e2e-client';

/**
 * A real browser (headless Chromium) calling the admin API the way an admin frontend does: a
 * bearer token and a JSON body make it send a CORS preflight first. From the allowed origin both
 * pass; from another origin the browser itself refuses to hand the response to the page.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let browser: Browser;
const servers: Server[] = [];

/** Serves an empty page on `host:port` so the page's origin is exactly that. */
async function pageServer(host: string, port: number): Promise<string> {
  const server = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>admin frontend</title>');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  servers.push(server);
  return `http://${host}:${port}/`;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is needed for the browser tests: apt-get install -y chromium (looked for ${CHROMIUM})`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/**
 * Runs fetch() in a page loaded from `pageUrl`; reports status, body and the response headers the
 * page can read (only those CORS exposes), or the browser's refusal.
 */
async function fetchFrom(pageUrl: string, method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}) {
  const page = await browser.newPage();
  try {
    await page.goto(pageUrl);
    return await page.evaluate(
      async ({ url, method, token, body, extraHeaders }) => {
        try {
          const res = await fetch(url, {
            method,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...extraHeaders },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
          return {
            ok: true as const,
            status: res.status,
            etag: res.headers.get('etag'),
            location: res.headers.get('location'),
            replayed: res.headers.get('idempotent-replayed'),
            requestId: res.headers.get('x-request-id'),
            body: await res.json(),
          };
        } catch (error) {
          return { ok: false as const, error: String(error) };
        }
      },
      { url: baseUrl() + path, method, token: adminToken(), body, extraHeaders },
    );
  } finally {
    await page.close();
  }
}

/** The page server of the allowed origin, started once (its port is fixed by the runtime's allowlist). */
let allowedPageUrl: string | undefined;
async function allowedPage(): Promise<string> {
  const allowed = new URL(process.env.BACKOFFICE_BROWSER_ORIGIN!);
  allowedPageUrl ??= await pageServer(allowed.hostname, Number(allowed.port));
  return allowedPageUrl;
}

it('lets a page from the allowed origin call the admin API with a bearer token (preflight passes)', async () => {
  const pageUrl = await allowedPage();
  const list = await fetchFrom(pageUrl, 'GET', '/admin/v1/products?limit=2');
  expect(list).toMatchObject({ ok: true, status: 200 });
  const created = await fetchFrom(pageUrl, 'POST', '/admin/v1/products', { sku: `WEB-${Date.now()}`, name: 'From the browser', price: { amount: 100, currency: 'EUR' } });
  expect(created).toMatchObject({ ok: true, status: 201, etag: '"1"', location: expect.stringContaining('/admin/v1/products/'), requestId: expect.any(String) });
});

it('lets the page read that a retried order is a replay (Idempotent-Replayed is exposed)', async () => {
  const pageUrl = await allowedPage();
  const product = await fetchFrom(pageUrl, 'POST', '/admin/v1/products', { sku: `WEB-${Date.now()}`, name: 'Ordered from the browser', price: { amount: 250, currency: 'EUR' }, status: 'active' });
  expect(product).toMatchObject({ ok: true, status: 201 });
  const productId = (product as { body: { id: string } }).body.id;
  await fetchFrom(pageUrl, 'POST', `/admin/v1/products/${productId}/stock-adjustments`, { delta: 5, reason: 'received' });
  const order = { customerId: '01JDEM0C0000000000000000C1', lines: [{ productId, quantity: 1 }] };
  const key = { 'idempotency-key': `browser-${Date.now()}` };
  const first = await fetchFrom(pageUrl, 'POST', '/admin/v1/orders', order, key);
  expect(first).toMatchObject({ ok: true, status: 201, replayed: null });
  const retried = await fetchFrom(pageUrl, 'POST', '/admin/v1/orders', order, key);
  expect(retried).toMatchObject({ ok: true, status: 201, replayed: 'true', body: (first as { body: unknown }).body });
});

it('refuses a page from another origin', async () => {
  const pageUrl = await pageServer('127.0.0.1', await freePort());
  const result = await fetchFrom(pageUrl, 'GET', '/admin/v1/products');
  expect(result).toEqual({ ok: false, error: expect.stringContaining('Failed to fetch') });
});
