import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { BROWSER_TEST_TIMEOUT_MS, launchBrowser, signIn } from '../support/console-browser';
import { adminToken, api, credentials, partnerKey, type ApiReply } from '../support/e2e-client';

/**
 * Insight through the console: an analyst requests an orders export in Parquet with a few columns,
 * follows it to done on its page and downloads the file (a real browser download, checked to be
 * Parquet: `PAR1` at both ends, the size and checksum the API reports); an auditor opens the audit
 * timeline of one product (each change with its before/after and actor) and verifies its chain.
 */
jest.setTimeout(BROWSER_TEST_TIMEOUT_MS);

const ANALYST = 'analyst@example.com';
const AUDITOR = 'auditor@example.com';
const ADMIN = 'admin@example.com';
const DEMO_CUSTOMER = '01JDEM0C0000000000000000C1';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const as = (email: string, method: string, path: string, body?: unknown): Promise<ApiReply> =>
  api(method, `/admin/v1${path}`, { token: adminToken(email), ...(body === undefined ? {} : { body }) });

/** Asks until `check` holds or the time is up; returns the last answer. */
async function eventually(read: () => Promise<ApiReply>, check: (reply: ApiReply) => boolean, timeoutMs = 30_000): Promise<ApiReply> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const reply = await read();
    if (check(reply) || Date.now() > until) return reply;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('an analyst exports Parquet and downloads it', async () => {
  // At least one order to export: the demo partner orders a seeded product for a demo customer.
  // One with stock: the tests beside this one sell from the same seeded catalogue.
  const products = (await as(ADMIN, 'GET', '/products?status=active&limit=100')).body.items as Array<{ id: string; stock: { available: number } }>;
  const product = products.find((candidate) => candidate.stock.available > 5)!;
  const order = await api('POST', '/partner/v1/orders', {
    apiKey: partnerKey('demo-shop'),
    body: { customerId: DEMO_CUSTOMER, lines: [{ productId: product.id, quantity: 1 }] },
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(order.status).toBe(201);

  const columns = ['id', 'status', 'currency', 'total_amount'];
  const { context, page, pageErrors } = await signIn(browser, 'Ana Analyst');
  try {
    await page.goto('/exports/create');
    await page.getByRole('combobox', { name: 'Data' }).click();
    await page.getByRole('option', { name: 'Orders', exact: true }).click();
    expect(await page.getByRole('combobox', { name: 'Format' }).innerText()).toContain('parquet');
    // Every column is chosen at first: keep a few.
    const boxes = page.getByRole('group').getByRole('checkbox');
    await page.getByRole('checkbox', { name: 'id', exact: true }).waitFor();
    for (const box of await boxes.all()) {
      const name = await box.evaluate((element) => (element as unknown as { value: string }).value);
      if (!columns.includes(name) && (await box.isChecked())) await box.uncheck();
    }
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/exports\/[^/]+\/show$/);
    const id = decodeURIComponent(page.url().split('/').at(-2)!);

    // The page follows the job to done and offers the file.
    const download = page.getByRole('link', { name: 'Download (parquet)' });
    await download.waitFor({ timeout: 90_000 });
    await page.locator('.ra-field-status').filter({ hasText: 'Done' }).waitFor();
    const job = (await as(ANALYST, 'GET', `/exports/${id}`)).body;
    expect(job).toMatchObject({ status: 'succeeded', entity: 'order', format: 'parquet', fields: columns, rowCount: expect.any(Number) });
    expect(job.rowCount).toBeGreaterThanOrEqual(1);

    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    const bytes = await readFile(await file.path());
    expect(bytes.length).toBe(job.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(job.checksum);
    expect(bytes.length).toBeGreaterThan(100);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('PAR1');
    expect(bytes.subarray(-4).toString('latin1')).toBe('PAR1');
    expect(pageErrors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('an auditor verifies a chain', async () => {
  // A product created and renamed by an admin; the audit consumer records both asynchronously.
  const sku = `AUD-UI-${Date.now()}`;
  const created = await as(ADMIN, 'POST', '/products', { sku, name: 'Audit console mug', price: { amount: 1200, currency: 'EUR' }, status: 'draft' });
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  expect((await as(ADMIN, 'PATCH', `/products/${id}`, { name: 'Audit console cup' })).status).toBe(200);
  const entries = await eventually(
    () => as(AUDITOR, 'GET', `/audit?entityType=product&entityId=${id}`),
    (reply) => reply.body?.items?.length === 2,
  );
  expect(entries.body.items.map((entry: { action: string }) => entry.action)).toEqual(['create', 'update']);
  const admin = `staff:${credentials().staff[ADMIN]!.id}`;

  const { context, page, pageErrors } = await signIn(browser, 'Aude Auditor');
  try {
    await page.goto('/audit');
    // A time range that ends before the product existed: an entity's history is whole all the same.
    await page.getByLabel('To', { exact: true }).fill('2020-01-01');
    await page.getByRole('combobox', { name: 'Entity type' }).click();
    await page.getByRole('option', { name: 'product', exact: true }).click();
    await page.getByLabel('Entity id').fill(id);
    await page.getByRole('heading', { name: `History of product ${id}, newest first` }).waitFor();

    // Newest first: the rename (before and after, by the admin), then the creation.
    const timeline = page.locator('ol > li');
    const failure = page.locator('#main-content [role="alert"]');
    await timeline.nth(1).or(failure).first().waitFor({ timeout: 45_000 });
    expect(await failure.allInnerTexts()).toEqual([]);
    expect(await timeline.count()).toBe(2);
    const rename = timeline.nth(0);
    expect(await rename.innerText()).toContain('Updated');
    expect(await rename.innerText()).toContain(`by ${admin}`);
    const change = rename.getByRole('table', { name: 'Changes' }).getByRole('row').filter({ hasText: 'name' });
    expect(await change.getByRole('cell').allInnerTexts()).toEqual(['name', 'Audit console mug', 'Audit console cup']);
    const creation = timeline.nth(1);
    expect(await creation.innerText()).toContain('Created');
    expect(await creation.innerText()).toContain(sku);

    await page.getByRole('button', { name: 'Verify chain' }).click();
    const verdict = page.getByRole('status').filter({ hasText: 'chain' });
    await verdict.waitFor();
    expect(await verdict.innerText()).toContain('The chain is intact: 2 entries verified');
    expect((await as(AUDITOR, 'GET', `/audit/verify?entityType=product&entityId=${id}`)).body).toMatchObject({ ok: true, entries: 2 });
    expect(pageErrors).toEqual([]);
  } finally {
    await context.close();
  }
});
