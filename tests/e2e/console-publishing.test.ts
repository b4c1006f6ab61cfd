import type { Browser, Page } from 'playwright-core';
import { BROWSER_TEST_TIMEOUT_MS, launchBrowser, notification, signIn } from '../support/console-browser';
import { adminToken, api, type ApiReply } from '../support/e2e-client';

/**
 * Publishing through the console, four eyes: an editor drafts a page, saves a second version and
 * reads the word diff between the two, submits it for review and is told why he may not decide his
 * own request; an admin (the content_publish step is the editor role's, which an admin may decide:
 * there is no second seeded editor) approves it from the pending approvals; the workflow publishes
 * it, which the editor's page shows; then he unpublishes it. Each outcome is checked on screen and
 * through the API.
 */
jest.setTimeout(BROWSER_TEST_TIMEOUT_MS);

const EDITOR = 'editor@example.com';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const contentOf = (id: string): Promise<ApiReply> => api('GET', `/admin/v1/content/${id}`, { token: adminToken(EDITOR) });

/** The text of a react-admin show field (`<Labeled source=…>` / field components carry `ra-field-<source>`). */
const field = (page: Page, source: string) => page.locator(`.ra-field-${source}`).first();

/** Reloads the page until the field reads `expected` (the workflow applies an approval asynchronously). */
async function reloadUntilField(page: Page, source: string, expected: RegExp, timeoutMs = 30_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    await field(page, source).waitFor();
    const text = await field(page, source).innerText();
    if (expected.test(text) || Date.now() > until) return text;
    await page.waitForTimeout(500);
    await page.reload();
  }
}

test('an editor submits content and another publishes it', async () => {
  const stamp = Date.now();
  const slug = `shipping-times-${stamp}`;
  const title = `Shipping times ${stamp}`;
  const editor = await signIn(browser, 'Eddie Editor');
  let admin: Awaited<ReturnType<typeof signIn>> | undefined;
  try {
    const page = editor.page;

    // Drafted and edited: two versions, the second compared word by word with the first.
    await page.goto('/content/create');
    await page.getByLabel('Slug').fill(slug);
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Body').fill('We ship every order within two days.\nReturns are free.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/content\/[^/]+\/show$/);
    const id = decodeURIComponent(page.url().split('/').at(-2)!);
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Body').fill('We ship every order within three working days.\nReturns are free.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/show$/);
    await page.getByText('compared with version 1').waitFor();
    expect(await page.locator('del').allInnerTexts()).toEqual([expect.stringContaining('two')]);
    expect((await page.locator('ins').allInnerTexts()).join(' ')).toMatch(/three.*working/);
    expect(await field(page, 'latestVersion').innerText()).toContain('2');
    expect((await contentOf(id)).body).toMatchObject({ status: 'draft', latestVersion: 2, slug });

    // Submitted: sent for approval, in review.
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Submit for review' }).click();
    expect(await notification(page, 'Sent for approval')).toContain('Sent for approval');
    await field(page, 'status').filter({ hasText: 'In review' }).waitFor();
    const submitted = await contentOf(id);
    expect(submitted.body).toMatchObject({ status: 'in_review', submittedVersion: 2, pendingApprovalId: expect.any(String) });
    const approvalId: string = submitted.body.pendingApprovalId;

    // The author may not decide his own request, and is told why.
    await field(page, 'pendingApprovalId').getByRole('link', { name: 'Open the approval' }).click();
    await page.waitForURL(new RegExp(`/approvals/${approvalId}/show$`));
    await page.getByText('You requested this change: another member must decide it.').waitFor();
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    // Another member whose role may decide the step approves it.
    admin = await signIn(browser, 'Adam Admin');
    const reviewer = admin.page;
    await reviewer.goto('/approvals');
    // Adam's "Waiting for me" holds the steps of the roles he holds (admin); an admin may decide any
    // step, so he finds the editor's step among the pending content approvals.
    await reviewer.getByRole('tab', { name: 'Pending' }).click();
    await reviewer.getByRole('combobox', { name: 'Kind' }).click();
    await reviewer.getByRole('option', { name: 'Content publishing' }).click();
    const row = reviewer.getByRole('row').filter({ hasText: title });
    await row.waitFor();
    expect(await row.innerText()).toContain('Content publishing');
    await row.click();
    await reviewer.waitForURL(new RegExp(`/approvals/${approvalId}/show$`));
    await reviewer.getByRole('button', { name: 'Approve' }).click();
    await reviewer.getByRole('dialog').getByLabel('Comment').fill('Clear and correct');
    await reviewer.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
    expect(await notification(reviewer, 'Approved')).toBe('Approved');
    expect((await api('GET', `/admin/v1/approvals/${approvalId}`, { token: adminToken('admin2@example.com') })).body).toMatchObject({
      status: 'approved',
      steps: [{ role: 'editor', comment: 'Clear and correct' }],
    });

    // The workflow publishes it: the editor's page shows it once applied.
    await page.goto(`/content/${id}/show`);
    expect(await reloadUntilField(page, 'status', /^Published$/m)).toContain('Published');
    expect(await field(page, 'publishedVersion').innerText()).toContain('2');
    expect((await contentOf(id)).body).toMatchObject({ status: 'published', publishedVersion: 2, publishedAt: expect.any(String) });

    // Unpublished from the console.
    await page.getByRole('button', { name: 'Unpublish' }).click();
    await page.getByRole('dialog').getByText('Take version 2 down').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Unpublish' }).click();
    expect(await notification(page, 'Unpublished')).toBe('Unpublished');
    await field(page, 'status').filter({ hasText: 'Draft' }).waitFor();
    expect(await page.getByRole('button', { name: 'Unpublish' }).count()).toBe(0);
    const unpublished = (await contentOf(id)).body;
    expect(unpublished).toMatchObject({ status: 'draft', latestVersion: 2 });
    expect(unpublished.publishedVersion).toBeUndefined();

    expect(editor.pageErrors).toEqual([]);
    expect(admin.pageErrors).toEqual([]);
  } finally {
    await editor.context.close();
    await admin?.context.close();
  }
});
