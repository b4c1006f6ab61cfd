import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { BROWSER_TEST_TIMEOUT_MS, launchBrowser, notification, signIn } from '../support/console-browser';
import { adminToken, api } from '../support/e2e-client';

/**
 * A partner's webhooks in the console: staff see the endpoints a partner registered through the
 * partner API, the latest deliveries of each (a real delivery to a receiver on 127.0.0.1), and an
 * admin disables an endpoint.
 */
jest.setTimeout(BROWSER_TEST_TIMEOUT_MS);

let browser: Browser;
let receiver: Server;

beforeAll(async () => {
  browser = await launchBrowser();
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => receiver.close(resolve));
});

const staff = (method: string, path: string, body?: unknown) => api(method, `/admin/v1${path}`, { token: adminToken(), ...(body === undefined ? {} : { body }) });

test('staff see a partner’s webhook endpoints and deliveries, and an admin disables one', async () => {
  const partner = (await staff('POST', '/partners', { name: `Console hooks ${Date.now()}`, scopes: ['orders:read', 'orders:write', 'webhooks:manage'] })).body;
  const key = (await staff('POST', `/partners/${partner.id}/keys`, {})).body.key as string;
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/${partner.id}`;
  const created = await api('POST', '/partner/v1/webhooks', { apiKey: key, body: { url, eventTypes: ['order.created'] } });
  expect(created.status).toBe(201);
  const webhookId: string = created.body.webhook.id;

  // An order of the partner, delivered to the receiver.
  const products = (await staff('GET', '/products?status=active&limit=100')).body.items as Array<{ id: string; stock: { available: number } }>;
  const product = products.find((candidate) => candidate.stock.available > 5)!;
  const customer = await api('POST', '/partner/v1/customers', { apiKey: key, body: { name: 'Hook Customer', email: `${randomUUID()}@example.com` }, headers: { 'idempotency-key': randomUUID() } });
  const order = await api('POST', '/partner/v1/orders', { apiKey: key, body: { customerId: customer.body.id, lines: [{ productId: product.id, quantity: 1 }] }, headers: { 'idempotency-key': randomUUID() } });
  expect(order.status).toBe(201);
  const until = Date.now() + 30_000;
  for (;;) {
    const log = await staff('GET', `/partners/${partner.id}/webhooks/${webhookId}/deliveries`);
    if (log.body.items[0]?.status === 'succeeded') break;
    if (Date.now() > until) throw new Error(`No delivery: ${JSON.stringify(log.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  const { context, page, pageErrors } = await signIn(browser, 'Ada Admin');
  try {
    await page.goto(`/partners/${partner.id}/show`);
    const row = page.getByRole('row').filter({ hasText: url });
    await row.waitFor();
    expect(await row.innerText()).toContain('order.created');
    expect(await row.innerText()).toContain('Enabled');

    await page.getByRole('button', { name: `Deliveries to ${url}` }).click();
    const deliveries = page.getByRole('dialog');
    const delivered = deliveries.getByRole('row').filter({ hasText: 'order.created' });
    await delivered.waitFor();
    expect(await delivered.innerText()).toContain('Delivered');
    expect(await delivered.innerText()).toContain('204');
    await deliveries.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: `Disable ${url}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    expect(await notification(page, 'Endpoint disabled')).toContain('Endpoint disabled');
    await row.filter({ hasText: 'Disabled' }).waitFor();
    expect((await staff('GET', `/partners/${partner.id}/webhooks/${webhookId}`)).body).toMatchObject({ enabled: false, version: 2 });
    expect(pageErrors).toEqual([]);
  } finally {
    await context.close();
  }
});
