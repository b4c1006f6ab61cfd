import type { Browser, Locator, Page } from 'playwright-core';
import { BROWSER_TEST_TIMEOUT_MS, launchBrowser, signIn } from '../support/console-browser';
import { adminToken, api, type ApiReply } from '../support/e2e-client';

/**
 * How the console's forms take the API's answers: a save over a record someone changed meanwhile
 * (412) says so and offers a reload that shows their change, after which saving works; a refusal
 * with field errors (a SKU the API rejects or one already taken) lands under the field it concerns
 * and nothing is created.
 */
jest.setTimeout(BROWSER_TEST_TIMEOUT_MS);

const OPS = 'ops@example.com';

async function staffApi(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiReply> {
  return api(method, `/admin/v1${path}`, { token: adminToken(OPS), ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });
}

/** Every product the API lists, the trash included (following its cursor). */
async function allProducts(): Promise<Array<{ id: string; sku: string }>> {
  const products: Array<{ id: string; sku: string }> = [];
  let cursor: string | undefined;
  do {
    const reply = await staffApi('GET', `/products?includeDeleted=true&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(reply.status).toBe(200);
    products.push(...reply.body.items);
    cursor = reply.body.nextCursor;
  } while (cursor);
  return products;
}

/** The helper text MUI ties to an input (its `aria-describedby`): where react-admin shows the field's error. */
async function helperTextOf(page: Page, input: Locator): Promise<Locator> {
  const describedBy = await input.getAttribute('aria-describedby');
  expect(describedBy).toBeTruthy();
  return page.locator(`[id="${describedBy}"]`);
}

/** Waits until the input holds `expected` (the form fills in after its record loads). */
async function valueBecomes(input: Locator, expected: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let value = await input.inputValue();
  while (value !== expected && Date.now() < deadline) {
    await input.page().waitForTimeout(100);
    value = await input.inputValue();
  }
  expect(value).toBe(expected);
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

test('a stale edit shows the 412 path', async () => {
  const stamp = Date.now();
  const created = await staffApi('POST', '/products', { sku: `E2E-STALE-${stamp}`, name: `Stale lamp ${stamp}`, price: { amount: 3_000, currency: 'EUR' }, status: 'active' });
  expect(created.status).toBe(201);
  const productId = created.body.id as string;
  const { context, page, pageErrors } = await signIn(browser, 'Oscar Operations');
  try {
    await page.goto(`/products/${productId}`);
    const name = page.getByLabel('Name');
    const description = page.getByLabel('Description');
    await valueBecomes(name, `Stale lamp ${stamp}`);
    await name.fill(`Renamed lamp ${stamp}`);

    // Meanwhile someone else changes the description (the version the form holds is now stale).
    const current = await staffApi('GET', `/products/${productId}`);
    const changed = await staffApi('PATCH', `/products/${productId}`, { description: `Changed meanwhile ${stamp}` }, { 'if-match': `"${current.body.version}"` });
    expect(changed.status).toBe(200);

    await page.getByRole('button', { name: 'Save' }).click();
    const notice = page.locator('.MuiSnackbar-root').filter({ hasText: 'Someone changed this record meanwhile' });
    await notice.waitFor();
    expect(page.url()).toMatch(new RegExp(`/products/${productId}$`));
    expect((await staffApi('GET', `/products/${productId}`)).body.name).toBe(`Stale lamp ${stamp}`);

    // Reload shows their change; the rename is typed again and saved.
    await notice.getByRole('button', { name: 'Reload' }).click();
    await notice.waitFor({ state: 'hidden' });
    await valueBecomes(description, `Changed meanwhile ${stamp}`);
    expect(await name.inputValue()).toBe(`Stale lamp ${stamp}`);
    await name.fill(`Renamed lamp ${stamp}`);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(new RegExp(`/products/${productId}/show$`));
    await page.getByText(`Renamed lamp ${stamp}`).first().waitFor();

    const saved = await staffApi('GET', `/products/${productId}`);
    expect(saved.body).toMatchObject({ name: `Renamed lamp ${stamp}`, description: `Changed meanwhile ${stamp}`, version: current.body.version + 2 });
    expect(pageErrors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('a form shows a field error from the API', async () => {
  const stamp = Date.now();
  const name = `Refused product ${stamp}`;
  const { context, page, pageErrors } = await signIn(browser, 'Oscar Operations');
  try {
    await page.goto('/products/create');
    const sku = page.getByLabel('SKU');
    await sku.fill(`BAD SKU ${stamp}`);
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Price', { exact: true }).fill('9.90');
    await page.getByRole('button', { name: 'Save' }).click();
    // The SKU's pattern is the API's rule: its message shows under the field.
    const skuHelp = await helperTextOf(page, sku);
    await skuHelp.getByText('Letters, digits, dot, dash or underscore; at most 64 characters').waitFor();
    expect(await sku.getAttribute('aria-invalid')).toBe('true');
    expect(page.url()).toMatch(/\/products\/create$/);

    // A SKU another product holds: the conflict lands on the same field.
    await sku.fill('DEMO-MUG-ENAMEL');
    await page.getByRole('button', { name: 'Save' }).click();
    await skuHelp.getByText('A product with SKU DEMO-MUG-ENAMEL already exists').waitFor();
    expect(await sku.getAttribute('aria-invalid')).toBe('true');
    expect(page.url()).toMatch(/\/products\/create$/);

    const products = await allProducts();
    expect(products.filter((product) => product.sku === `BAD SKU ${stamp}`)).toEqual([]);
    expect(products.filter((product) => product.sku === 'DEMO-MUG-ENAMEL')).toHaveLength(1);
    expect(products.filter((product) => (product as { name?: string }).name === name)).toEqual([]);
    expect(pageErrors).toEqual([]);
  } finally {
    await context.close();
  }
});
