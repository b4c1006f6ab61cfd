import type { Browser } from 'playwright-core';
import { BROWSER_TEST_TIMEOUT_MS, isFocused, launchBrowser, menuTargets, seriousViolations, signIn } from '../support/console-browser';
import { adminToken, api } from '../support/e2e-client';

/**
 * Each role signs in to the console and sees the menus of what it may do, nothing else (the API
 * enforces the same permissions; here what a person is offered is checked). The main screens have
 * no serious or critical accessibility violation and work from the keyboard.
 */
jest.setTimeout(BROWSER_TEST_TIMEOUT_MS);

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** A seeded customer (local/seed.ts), linked to the demo shop. */
const DEMO_CUSTOMER = '01JDEM0C0000000000000000C1';

const MENUS: Record<string, string[]> = {
  'Ada Admin': ['/', '/approval-policies', '/approvals', '/audit', '/content', '/customers', '/exports', '/ledger-accounts', '/orders', '/partners', '/products', '/roles', '/staff', '/tickets'],
  'Oscar Operations': ['/', '/approval-policies', '/approvals', '/customers', '/orders', '/products'],
  'Fiona Finance': ['/', '/approval-policies', '/approvals', '/customers', '/ledger-accounts', '/orders'],
  'Sam Support': ['/', '/customers', '/orders', '/products', '/tickets'],
  'Eddie Editor': ['/', '/approval-policies', '/approvals', '/content', '/products'],
  'Ana Analyst': ['/', '/customers', '/exports', '/ledger-accounts', '/orders', '/products'],
  'Aude Auditor': ['/', '/approval-policies', '/approvals', '/audit', '/ledger-accounts', '/orders', '/partners', '/products', '/roles', '/staff'],
};

test.each(Object.entries(MENUS))('%s sees exactly the menus of their role', async (name, expected) => {
  const { context, page, pageErrors } = await signIn(browser, name);
  try {
    expect(await menuTargets(page)).toEqual([...expected].sort());
    expect(pageErrors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('a screen the role may not open says so instead of showing data', async () => {
  const { context, page } = await signIn(browser, 'Eddie Editor');
  try {
    await page.goto('/staff');
    await page.getByText(/not allowed|access denied|unauthorized/i).first().waitFor();
    expect(await page.getByRole('row').count()).toBe(0);
  } finally {
    await context.close();
  }
});

const MAIN_SCREENS = ['/', '/products', '/products/create', '/orders', '/customers', '/tickets', '/content', '/approvals', '/approval-policies', '/exports', '/audit', '/partners', '/staff', '/roles', '/ledger-accounts'];

test('the main screens have no serious or critical accessibility violation', async () => {
  const { context, page, pageErrors } = await signIn(browser, 'Ada Admin');
  try {
    const found: Record<string, string[]> = {};
    for (const path of MAIN_SCREENS) {
      await page.goto(path);
      await page.locator('#main-content').waitFor();
      await page.waitForLoadState('networkidle');
      const violations = await seriousViolations(page);
      if (violations.length > 0) found[path] = violations;
    }
    expect(found).toEqual({});
    expect(pageErrors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('a product is created with the keyboard only', async () => {
  const { context, page } = await signIn(browser, 'Oscar Operations');
  try {
    await page.goto('/products');
    // Tab through the page to the Create link and follow it, as a keyboard user does.
    const create = page.getByRole('link', { name: 'Create' });
    await create.waitFor();
    for (let presses = 0; presses < 40 && !(await isFocused(create)); presses++) await page.keyboard.press('Tab');
    expect(await isFocused(create)).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByLabel('SKU').waitFor();
    const sku = `KBD-${Date.now()}`;
    await page.getByLabel('SKU').focus();
    await page.keyboard.type(sku);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Keyboard-made product');
    await page.getByLabel('Price', { exact: true }).focus();
    await page.keyboard.type('12.5');
    await page.getByRole('button', { name: 'Save' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText(sku).first().waitFor();
    expect(page.url()).toMatch(/\/products\/[0-9A-Z]{26}\/show$/);
  } finally {
    await context.close();
  }
});

test('personal data is masked for whoever may not read it, and says so', async () => {
  const customer = (await api('GET', `/admin/v1/customers/${DEMO_CUSTOMER}`, { token: adminToken('support@example.com') })).body as { name: string; email: string };
  const ops = await signIn(browser, 'Oscar Operations');
  const support = await signIn(browser, 'Sam Support');
  try {
    await ops.page.goto(`/customers/${DEMO_CUSTOMER}/show`);
    await ops.page.getByText(customer.name).first().waitFor();
    await ops.page.getByText(/E-mail addresses and phone numbers are hidden/).waitFor();
    expect(await ops.page.getByText(customer.email).count()).toBe(0);
    await support.page.goto(`/customers/${DEMO_CUSTOMER}/show`);
    await support.page.getByText(customer.email).first().waitFor();
    expect(await support.page.getByText(/E-mail addresses and phone numbers are hidden/).count()).toBe(0);
  } finally {
    await ops.context.close();
    await support.context.close();
  }
});
