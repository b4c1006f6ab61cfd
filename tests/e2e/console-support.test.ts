import type { Browser, Page } from 'playwright-core';
import { BROWSER_TEST_TIMEOUT_MS, launchBrowser, notification, signIn } from '../support/console-browser';
import { adminToken, api, credentials, type ApiReply } from '../support/e2e-client';

/**
 * Support works a ticket through the console: files it (high priority), finds it in the
 * unassigned queue among others in due-time order with its SLA due time, sees it in the Overdue
 * queue once the runtime's clock is past its SLA, assigns it to herself, starts it, writes an
 * internal note and a comment for the customer, resolves it with a resolution and closes it; the
 * history shows each step. The end state is checked through the API too.
 *
 * The runtime's clock is shared by every e2e file: it is moved forward only around the Overdue
 * queue's read and that exact advance is taken back in a `finally` (as support.test.ts does).
 */
jest.setTimeout(BROWSER_TEST_TIMEOUT_MS);

const SUPPORT = 'support@example.com';
const SLA_HIGH_SECONDS = 8 * 3600;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const asSupport = (method: string, path: string, body?: unknown): Promise<ApiReply> =>
  api(method, `/admin/v1${path}`, { token: adminToken(SUPPORT), ...(body === undefined ? {} : { body }) });

async function fileTicket(subject: string, priority: string): Promise<string> {
  const reply = await asSupport('POST', '/tickets', { subject, description: 'Filed for the queue order', priority });
  expect(reply.status).toBe(201);
  return reply.body.id;
}

/** Assigned, resolved and closed: a helper ticket leaves the queues once the test is done with it. */
async function closeTicket(id: string): Promise<void> {
  expect((await asSupport('POST', `/tickets/${id}/assign`, { assigneeId: credentials().staff[SUPPORT]!.id })).status).toBe(200);
  expect((await asSupport('POST', `/tickets/${id}/resolve`, { resolution: 'Queue order checked' })).status).toBe(200);
  expect((await asSupport('POST', `/tickets/${id}/close`)).status).toBe(200);
}

async function moveClock(body: { advanceSeconds: number } | { rewindSeconds: number }): Promise<void> {
  const reply = await api('POST', '/local/clock', { body });
  expect(reply.status).toBe(200);
}

const field = (page: Page, source: string) => page.locator(`.ra-field-${source}`).first();

/** A date as the console's DateField with showTime writes it (the browser's locale and zone). */
const shownDate = (page: Page, iso: string): Promise<string> => page.evaluate((at) => new Date(at).toLocaleString(), iso);

/** The row texts of the list on screen, top to bottom. */
async function rowTexts(page: Page): Promise<string[]> {
  return page.locator('tbody tr').allInnerTexts();
}

test('support works a ticket through its SLA', async () => {
  const stamp = Date.now();
  const subject = `Parcel missing ${stamp}`;
  const sooner = `Urgent call-back ${stamp}`;
  const later = `Invoice question ${stamp}`;
  const helpers = [await fileTicket(sooner, 'urgent'), await fileTicket(later, 'normal')];
  const { context, page, pageErrors } = await signIn(browser, 'Sam Support');
  try {
    // Filed from the console, high priority: due after its SLA.
    await page.goto('/tickets/create');
    await page.getByLabel('Subject').fill(subject);
    await page.getByLabel('Description').fill('The customer says the parcel never arrived.');
    await page.getByRole('combobox', { name: 'Priority' }).click();
    await page.getByRole('option', { name: 'High' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/tickets\/[^/]+\/show$/);
    const id = decodeURIComponent(page.url().split('/').at(-2)!);
    const filed = (await asSupport('GET', `/tickets/${id}`)).body;
    expect(filed).toMatchObject({ subject, priority: 'high', status: 'open', overdue: false });
    expect(Date.parse(filed.dueAt) - Date.parse(filed.createdAt)).toBe(SLA_HIGH_SECONDS * 1000);
    const due = await shownDate(page, filed.dueAt);
    expect(await field(page, 'dueAt').innerText()).toContain(due);

    // The unassigned queue, earliest due first: urgent (4 h) before it, normal (24 h) after it.
    await page.goto('/tickets');
    await page.getByRole('tab', { name: 'Unassigned', selected: true }).waitFor();
    await page.getByRole('row').filter({ hasText: later }).waitFor();
    const queue = await rowTexts(page);
    const position = (text: string) => queue.findIndex((row) => row.includes(text));
    expect(position(sooner)).toBeGreaterThanOrEqual(0);
    expect(position(sooner)).toBeLessThan(position(subject));
    expect(position(subject)).toBeLessThan(position(later));
    const row = queue[position(subject)]!;
    expect(row).toContain(due);
    expect(row).toContain('High');
    expect(row).not.toContain('Overdue');

    // Past its SLA on the runtime's clock: in the Overdue queue, marked in words.
    const advance = SLA_HIGH_SECONDS + 60;
    await moveClock({ advanceSeconds: advance });
    try {
      await page.getByRole('tab', { name: 'Overdue' }).click();
      await page.getByRole('row').filter({ hasText: subject }).filter({ hasText: 'Overdue' }).waitFor();
      expect((await asSupport('GET', `/tickets/${id}`)).body.overdue).toBe(true);
    } finally {
      await moveClock({ rewindSeconds: advance });
    }
    expect((await asSupport('GET', `/tickets/${id}`)).body.overdue).toBe(false);

    // Assigned to herself and started.
    await page.getByRole('row').filter({ hasText: subject }).click();
    await page.waitForURL(new RegExp(`/tickets/${id}/show$`));
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Assign to me' }).click();
    expect(await notification(page, 'Ticket assigned')).toBe('Ticket assigned');
    await field(page, 'status').filter({ hasText: 'Assigned' }).waitFor();
    expect(await field(page, 'assigneeId').innerText()).toContain('You');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Start' }).click();
    await field(page, 'status').filter({ hasText: 'In progress' }).waitFor();

    // An internal note, then a comment the customer sees.
    const note = `Called the carrier ${stamp}: parcel located at the depot.`;
    const reply = `Your parcel is on its way again ${stamp}.`;
    await page.getByRole('button', { name: 'Add a comment' }).click();
    await page.getByRole('dialog').getByRole('textbox', { name: 'Comment' }).fill(note);
    expect(await page.getByRole('dialog').getByRole('radio', { name: 'Internal note' }).isChecked()).toBe(true);
    await page.getByRole('dialog').getByRole('button', { name: 'Add a comment' }).click();
    await page.getByRole('row').filter({ hasText: note }).filter({ hasText: 'Internal note' }).waitFor();
    await page.getByRole('button', { name: 'Add a comment' }).click();
    await page.getByRole('dialog').getByRole('textbox', { name: 'Comment' }).fill(reply);
    await page.getByRole('dialog').getByRole('radio', { name: 'Customer' }).check();
    await page.getByRole('dialog').getByRole('button', { name: 'Add a comment' }).click();
    await page.getByRole('row').filter({ hasText: reply }).filter({ hasText: 'Customer' }).waitFor();

    // Resolved with a resolution, then closed.
    const resolution = 'Parcel redelivered by the carrier';
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.getByRole('dialog').getByLabel('Resolution').fill(resolution);
    await page.getByRole('dialog').getByRole('button', { name: 'Resolve' }).click();
    await field(page, 'status').filter({ hasText: 'Resolved' }).waitFor();
    expect(await field(page, 'resolution').innerText()).toContain(resolution);
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();
    expect(await notification(page, 'Ticket closed')).toContain('Ticket closed');
    await field(page, 'status').filter({ hasText: 'Closed' }).waitFor();

    // The history tells every step, oldest first.
    const steps = ['created as Open', 'Open → Assigned', 'Assigned → In progress', 'In progress → Resolved', 'Resolved → Closed'];
    await page.locator('ol > li').filter({ hasText: steps.at(-1)! }).waitFor();
    const history = await page.locator('ol > li').allInnerTexts();
    expect(history).toHaveLength(steps.length);
    steps.forEach((step, index) => expect(history[index]).toContain(step));

    // The same through the API.
    const myId = credentials().staff[SUPPORT]!.id;
    const me = `staff:${myId}`;
    expect((await asSupport('GET', `/tickets/${id}`)).body).toMatchObject({ status: 'closed', resolution, assigneeId: myId, closedAt: expect.any(String) });
    const comments = (await asSupport('GET', `/tickets/${id}/comments`)).body.items;
    expect(comments.map((c: { body: string; visibility: string; author: string }) => [c.body, c.visibility, c.author])).toEqual([
      [note, 'internal', me],
      [reply, 'customer', me],
    ]);
    const transitions = (await asSupport('GET', `/tickets/${id}/history`)).body.items;
    expect(transitions.map((e: { from: string | null; to: string; actor: string }) => [e.from, e.to, e.actor])).toEqual([
      [null, 'open', me],
      ['open', 'assigned', me],
      ['assigned', 'in_progress', me],
      ['in_progress', 'resolved', me],
      ['resolved', 'closed', me],
    ]);
    expect(pageErrors).toEqual([]);
  } finally {
    await context.close();
  }
  for (const helper of helpers) await closeTicket(helper);
});
