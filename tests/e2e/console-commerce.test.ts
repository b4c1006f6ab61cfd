import type { Browser, Locator, Page } from 'playwright-core';
import { BROWSER_TEST_TIMEOUT_MS, launchBrowser, signIn } from '../support/console-browser';
import { adminToken, api, credentials, type ApiReply } from '../support/e2e-client';

/**
 * The commerce screens of the console, driven in a browser by the roles that do the work: operations
 * creates a product, stocks it, orders it for a customer, fulfils and ships the order after finance
 * recorded the payment; finance requests a refund above the approval threshold, another finance
 * member approves it from the inbox and the order then shows it. Every end state is checked through
 * the API as well as on screen.
 */
jest.setTimeout(BROWSER_TEST_TIMEOUT_MS);

const ADMIN = 'admin@example.com';
const OPS = 'ops@example.com';
const FINANCE = 'finance@example.com';
const FINANCE2 = 'finance2@example.com';
/** Seeded by `npm start` (local/seed.ts), with fixed ids. */
const JANE_DOE = '01JDEM0C0000000000000000C1';
const MAX_MUSTERMANN = '01JDEM0C0000000000000000C2';

const eur = (amount: number) => ({ amount, currency: 'EUR' });

async function staffApi(email: string, method: string, path: string, body?: unknown): Promise<ApiReply> {
  return api(method, `/admin/v1${path}`, { token: adminToken(email), ...(body === undefined ? {} : { body }) });
}

/** A setup call that must succeed: its body, or a failure naming the call and the API's answer. */
async function setup(email: string, method: string, path: string, body?: unknown): Promise<ApiReply['body']> {
  const reply = await staffApi(email, method, path, body);
  if (reply.status >= 300) throw new Error(`${method} ${path} answered ${reply.status}: ${reply.text}`);
  return reply.body;
}

/** The value react-admin shows under a label on a show page (a `Labeled` field). */
function shownField(page: Page, label: string): Locator {
  return page
    .locator('.RaLabeled-label')
    .filter({ hasText: new RegExp(`^${label}$`) })
    .locator('..');
}

/** Reloads the page until `ready` appears (something a workflow does after the click), or fails after `timeoutMs`. */
async function reloadUntilVisible(page: Page, ready: Locator, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await ready.waitFor({ timeout: 2_000 }).then(
      () => true,
      () => false,
    );
    if (seen) return;
    if (Date.now() > deadline) throw new Error(`Not shown within ${timeoutMs / 1000} s after reloading: ${ready.toString()}`);
    await page.reload();
  }
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

test('ops creates a product, stocks it, places and ships an order', async () => {
  const stamp = Date.now();
  const sku = `E2E-UI-${stamp}`;
  const productName = `Console enamel pot ${stamp}`;
  const trackingNumber = `TRK-${stamp}`;
  const ops = await signIn(browser, 'Oscar Operations');
  try {
    const { page } = ops;
    // The product: active, 42.50 EUR.
    await page.goto('/products/create');
    await page.getByLabel('SKU').fill(sku);
    await page.getByLabel('Name').fill(productName);
    await page.getByLabel('Price', { exact: true }).fill('42.50');
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Active' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/products\/[0-9A-Z]{26}\/show$/);
    const productId = page.url().split('/').at(-2)!;
    await shownField(page, 'SKU').getByText(sku, { exact: true }).waitFor();

    // Goods received: +7 with a reason, seen in the product's stock and its history.
    await page.getByRole('button', { name: 'Adjust stock' }).click();
    const adjust = page.getByRole('dialog');
    await adjust.getByLabel('Change').fill('7');
    await adjust.getByLabel('Reason').fill(`Goods received ${stamp}`);
    await adjust.getByRole('button', { name: 'Adjust stock' }).click();
    await adjust.waitFor({ state: 'hidden' });
    await shownField(page, 'On hand').getByText('7', { exact: true }).waitFor();
    await shownField(page, 'Available').getByText('7', { exact: true }).waitFor();
    await page.getByRole('row').filter({ hasText: `Goods received ${stamp}` }).waitFor();

    // An order of two for Jane Doe.
    await page.goto('/orders/create');
    await page.getByRole('combobox', { name: 'Customer' }).fill('Jane');
    await page.getByRole('option', { name: 'Jane Doe' }).click();
    await page.getByRole('combobox', { name: 'Product' }).fill(productName);
    await page.getByRole('option', { name: productName }).click();
    await page.getByLabel('Quantity').fill('2');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/orders\/[0-9A-Z]{26}\/show$/);
    const orderId = page.url().split('/').at(-2)!;
    await shownField(page, 'Status').getByText('Awaiting payment', { exact: true }).waitFor();
    await shownField(page, 'Total').getByText('€85.00').waitFor();
    const placed = await staffApi(OPS, 'GET', `/orders/${orderId}`);
    expect(placed.body).toMatchObject({ status: 'pending_payment', customerId: JANE_DOE, total: eur(8_500), lines: [{ productId, quantity: 2 }] });
    expect((await staffApi(OPS, 'GET', `/products/${productId}`)).body.stock).toEqual({ onHand: 7, reserved: 2, available: 5 });
    // Operations does not take payments: the button is finance's.
    await page.getByRole('button', { name: 'Cancel order' }).waitFor();
    expect(await page.getByRole('button', { name: 'Record payment' }).count()).toBe(0);

    // Finance records the payment from the order's page.
    const finance = await signIn(browser, 'Fiona Finance');
    try {
      await finance.page.goto(`/orders/${orderId}/show`);
      await finance.page.getByRole('button', { name: 'Record payment' }).click();
      const pay = finance.page.getByRole('dialog');
      await pay.getByRole('button', { name: 'Record payment' }).click();
      await pay.waitFor({ state: 'hidden' });
      await shownField(finance.page, 'Status').getByText('Paid', { exact: true }).waitFor();
      await shownField(finance.page, 'Outstanding').getByText('€0.00').waitFor();
      expect(finance.pageErrors).toEqual([]);
    } finally {
      await finance.context.close();
    }

    // Operations fulfils and ships it.
    await page.reload();
    await page.getByRole('button', { name: 'Fulfil' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Fulfil' }).click();
    await shownField(page, 'Status').getByText('Being fulfilled', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Ship' }).click();
    const ship = page.getByRole('dialog');
    await ship.getByLabel('Carrier').fill('DHL');
    await ship.getByLabel('Tracking number').fill(trackingNumber);
    await ship.getByRole('button', { name: 'Ship' }).click();
    await shownField(page, 'Status').getByText('Shipped', { exact: true }).waitFor();
    await page.locator('a[href*="/shipments/"]').first().click();
    await page.waitForURL(/\/shipments\/[0-9A-Z]{26}\/show$/);
    const shipmentId = page.url().split('/').at(-2)!;
    await shownField(page, 'Tracking number').getByText(trackingNumber, { exact: true }).waitFor();
    await shownField(page, 'Carrier').getByText('DHL', { exact: true }).waitFor();

    // The same end state through the API: shipped and paid, the two units gone from stock.
    const shipped = await staffApi(OPS, 'GET', `/orders/${orderId}`);
    expect(shipped.body).toMatchObject({ status: 'shipped', paid: eur(8_500), outstanding: eur(0), shipmentId });
    const shipment = await staffApi(OPS, 'GET', `/shipments/${shipmentId}`);
    expect(shipment.body).toMatchObject({ orderId, carrier: 'DHL', trackingNumber, status: 'created' });
    const product = await staffApi(OPS, 'GET', `/products/${productId}`);
    expect(product.body).toMatchObject({ sku, name: productName, status: 'active', price: eur(4_250) });
    expect(product.body.stock).toEqual({ onHand: 5, reserved: 0, available: 5 });
    expect(ops.pageErrors).toEqual([]);
  } finally {
    await ops.context.close();
  }
});

test('finance requests a large refund and finance2 approves it from the inbox; the refund shows on the order', async () => {
  const stamp = Date.now();
  const reason = `Returned in full ${stamp}`;
  const comment = `Checked the return ${stamp}`;
  // Setup (not the point here): a paid order of 250.00 EUR for Max Mustermann.
  const product = await setup(ADMIN, 'POST', '/products', { sku: `E2E-RF-${stamp}`, name: `Refund tent ${stamp}`, price: eur(25_000), status: 'active' });
  await setup(OPS, 'POST', `/products/${product.id}/stock-adjustments`, { delta: 3, reason: 'Goods received' });
  const order = await setup(OPS, 'POST', '/orders', { customerId: MAX_MUSTERMANN, lines: [{ productId: product.id, quantity: 1 }] });
  await setup(FINANCE, 'POST', `/orders/${order.id}/payments`, { amount: eur(25_000), method: 'card' });

  // Fiona asks for a 150.00 refund: above the 100.00 threshold, so it waits for another finance member.
  let approvalId: string;
  const fiona = await signIn(browser, 'Fiona Finance');
  try {
    const { page } = fiona;
    await page.goto(`/orders/${order.id}/show`);
    await shownField(page, 'Status').getByText('Paid', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Refund' }).click();
    const refund = page.getByRole('dialog');
    await refund.getByRole('spinbutton').fill('150');
    await refund.getByLabel('Reason').fill(reason);
    await refund.getByRole('button', { name: 'Refund' }).click();
    const notice = page.locator('.MuiSnackbar-root').filter({ hasText: 'Sent for approval' });
    await notice.waitFor();
    await notice.getByRole('link', { name: 'Open the approval' }).click();
    await page.waitForURL(/\/approvals\/[0-9A-Z]{26}\/show$/);
    approvalId = page.url().split('/').at(-2)!;
    // Her own request: the reason instead of the buttons.
    await page.getByText('You requested this change: another member must decide it.').waitFor();
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Reject' }).count()).toBe(0);
    expect(fiona.pageErrors).toEqual([]);
  } finally {
    await fiona.context.close();
  }
  const requested = await staffApi(FINANCE, 'GET', `/approvals/${approvalId}`);
  expect(requested.body).toMatchObject({ kind: 'refund', status: 'pending', subject: { orderId: order.id, amount: eur(15_000), reason } });
  expect((await staffApi(FINANCE, 'GET', `/orders/${order.id}`)).body.refunded).toEqual(eur(0));

  // Felix finds it waiting for him, approves it with a comment; the workflow then refunds.
  const felix = await signIn(browser, 'Felix Finance');
  try {
    const { page } = felix;
    await page.goto('/approvals');
    await page.getByRole('tab', { name: 'Waiting for me', selected: true }).waitFor();
    await page.getByRole('row').filter({ hasText: order.id }).click();
    await page.waitForURL(new RegExp(`/approvals/${approvalId}/show$`));
    await page.getByRole('button', { name: 'Approve' }).click();
    const approve = page.getByRole('dialog');
    await approve.getByLabel('Comment').fill(comment);
    await approve.getByRole('button', { name: 'Approve' }).click();
    await approve.waitFor({ state: 'hidden' });
    await page.getByRole('cell', { name: comment }).waitFor();

    await page.goto(`/orders/${order.id}/show`);
    await reloadUntilVisible(page, shownField(page, 'Refunded').getByText('€150.00'));
    await shownField(page, 'Refundable').getByText('€100.00').waitFor();
    expect(felix.pageErrors).toEqual([]);
  } finally {
    await felix.context.close();
  }
  const decided = await staffApi(FINANCE2, 'GET', `/approvals/${approvalId}`);
  expect(decided.body).toMatchObject({ status: 'approved', steps: [{ role: 'finance', status: 'approved', comment, decidedBy: `staff:${credentials().staff[FINANCE2]!.id}` }] });
  expect((await staffApi(FINANCE, 'GET', `/orders/${order.id}`)).body).toMatchObject({ refunded: eur(15_000), refundable: eur(10_000) });
});
