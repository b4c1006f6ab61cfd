import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * `npm run console:screenshots`: screenshots of the admin console's main screens into docs/, taken
 * from a running local runtime (`npm start` in another terminal; BACKOFFICE_URL, default
 * http://localhost:3000). It first adds a few records through the admin API, as staff would (an
 * order paid, shipped and partly refunded beyond the approval threshold, a ticket, a page submitted
 * for review), so the screens have something to show.
 */
const BASE = (process.env.BACKOFFICE_URL ?? 'http://localhost:3000').replace(/\/$/, '');
const OUT = resolve(__dirname, '..', 'docs', 'console');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const C1 = '01JDEM0C0000000000000000C1';

type Json = Record<string, unknown> & { id: string; version: number };

async function tokenOf(email: string): Promise<string> {
  const res = await fetch(`${BASE}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
  if (!res.ok) throw new Error(`No token for ${email} from ${BASE}/local/token (${res.status}): is npm start running there?`);
  return ((await res.json()) as { token: string }).token;
}

async function call(token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Json> {
  const res = await fetch(`${BASE}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as Json;
}

/** The records the screenshots show, made through the API by the staff who would make them. */
async function seedScenario(): Promise<{ orderId: string; contentId: string; ticketId: string }> {
  const [ops, finance, support, editor] = await Promise.all(['ops', 'finance', 'support', 'editor'].map((who) => tokenOf(`${who}@example.com`)));
  const products = (await call(ops, 'GET', '/products?status=active&limit=3')).items as Json[];
  const order = await call(
    ops,
    'POST',
    '/orders',
    { customerId: C1, lines: products.slice(0, 2).map((product, i) => ({ productId: product.id, quantity: i + 1 })) },
    { 'Idempotency-Key': crypto.randomUUID() },
  );
  const total = order.total as { amount: number; currency: string };
  await call(finance, 'POST', `/orders/${order.id}/payments`, { amount: total, method: 'card', reference: 'PSP-4242' }, { 'Idempotency-Key': crypto.randomUUID() });
  const paid = await call(ops, 'GET', `/orders/${order.id}`);
  const fulfilling = await call(ops, 'POST', `/orders/${order.id}/fulfil`, undefined, { 'If-Match': `"${paid.version}"` });
  await call(ops, 'POST', `/orders/${order.id}/shipments`, { carrier: 'DHL', trackingNumber: 'JD014600006281230' }, { 'If-Match': `"${fulfilling.version}"` });
  await call(finance, 'POST', `/orders/${order.id}/refunds`, { amount: { amount: total.amount, currency: total.currency }, reason: 'Parcel damaged in transit' }, { 'Idempotency-Key': crypto.randomUUID() });
  const ticket = await call(
    support,
    'POST',
    '/tickets',
    { subject: 'Where is my parcel?', description: 'The tracking page has not moved for two days.', customerId: C1, orderId: order.id, priority: 'high' },
    { 'Idempotency-Key': crypto.randomUUID() },
  );
  const page = await call(editor, 'POST', '/content', { slug: `shipping-${Date.now()}`, title: 'Shipping and returns', body: 'We ship within two working days.\nReturns are free for 30 days.' });
  const edited = await call(editor, 'PUT', `/content/${page.id}`, { title: 'Shipping and returns', body: 'We ship within one working day.\nReturns are free for 60 days.\nRefunds reach you within 5 days.' }, { 'If-Match': `"${page.version}"` });
  await call(editor, 'POST', `/content/${page.id}/submit`, undefined, { 'If-Match': `"${edited.version}"` });
  return { orderId: order.id, contentId: page.id, ticketId: ticket.id };
}

async function shoot(page: Page, path: string, name: string, ready: (page: Page) => Promise<unknown>, fullPage = false) {
  await page.goto(BASE + path);
  await ready(page);
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage });
  console.log(`docs/console/${name}.png  ${path}`);
}

/** A browser profile signed in on the local sign-in page as the seeded staff member of that name. */
async function signedIn(browser: Browser, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${BASE}/login`);
  await page.getByRole('button', { name: new RegExp(`Sign in as ${name}`) }).click();
  await page.getByRole('button', { name, exact: true }).waitFor();
  return page;
}

async function main() {
  const scenario = await seedScenario();
  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const rows = (p: Page) => p.locator('tbody tr').first().waitFor();
    const heading = (p: Page) => p.locator('#main-content').waitFor();
    const signIn = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await shoot(signIn, '/login', 'sign-in', (p) => p.getByRole('button', { name: /Sign in as Ada Admin/ }).waitFor());
    // The refund waits for a finance member other than the one who asked: Felix's inbox.
    await shoot(await signedIn(browser, 'Felix Finance'), '/approvals', 'approvals', rows);
    const page = await signedIn(browser, 'Ada Admin');
    await shoot(page, '/', 'dashboard', heading);
    await shoot(page, '/products', 'products', rows);
    await shoot(page, `/orders/${scenario.orderId}/show`, 'order', heading);
    await shoot(page, '/approval-policies', 'approval-policies', heading);
    await shoot(page, `/tickets/${scenario.ticketId}/show`, 'ticket', heading);
    await shoot(page, `/content/${scenario.contentId}/show`, 'content', heading, true);
    await shoot(page, '/roles/create', 'role-permissions', heading);
    await shoot(page, `/audit?filter=${encodeURIComponent(JSON.stringify({ entityType: 'order', entityId: scenario.orderId }))}`, 'audit', rows);
    await shoot(page, '/exports/create', 'export-request', heading);
    await shoot(page, '/ledger-accounts', 'ledger', rows);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
