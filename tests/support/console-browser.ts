import { existsSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { baseUrl } from './e2e-client';

/**
 * The admin console in a real browser (Debian's Chromium, driven by playwright-core) against the
 * runtime e2e-global-setup started: the console it serves at `/`, the admin API behind it. Nothing
 * is mocked; people sign in on the local sign-in page like a developer would.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Browser flows wait on the UI, the API, workflows and stream consumers: more than a plain request. */
export const BROWSER_TEST_TIMEOUT_MS = 120_000;

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is needed for the browser tests: apt-get install -y chromium (looked for ${CHROMIUM})`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export interface SignedIn {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors in the page: a test ends by asserting there were none. */
  pageErrors: string[];
}

/** A fresh browser profile signed in as a seeded staff member (by the name the sign-in page shows). */
export async function signIn(browser: Browser, name: string): Promise<SignedIn> {
  const context = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto('/');
  await page.getByRole('button', { name: new RegExp(`Sign in as ${name}`) }).click();
  await page.getByRole('button', { name, exact: true }).waitFor();
  return { context, page, pageErrors };
}

/** axe's serious and critical findings on the page as it is now (WCAG 2.1 A and AA rules). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/**
 * Waits for react-admin's notification that says `expected` and returns its text. An earlier
 * notification may still be on screen, so the one wanted is found by its text; when it never
 * comes, the error names what was shown instead.
 */
export async function notification(page: Page, expected: string): Promise<string> {
  const snackbars = page.locator('.MuiSnackbar-root');
  const wanted = snackbars.filter({ hasText: expected }).last();
  const shown = await wanted.waitFor().then(
    () => true,
    () => false,
  );
  if (!shown) throw new Error(`No notification saying "${expected}"; shown: ${JSON.stringify(await snackbars.allInnerTexts())}`);
  return (await wanted.innerText()).trim();
}

/** Where the menu's entries lead (`/products`, …): what the signed-in person may open. */
export async function menuTargets(page: Page): Promise<string[]> {
  const menu = page.locator('.RaSidebar-fixed').first();
  await menu.getByRole('menuitem').first().waitFor();
  const hrefs = await Promise.all((await menu.getByRole('menuitem').all()).map((item) => item.getAttribute('href')));
  return hrefs.filter((href): href is string => Boolean(href)).sort();
}

/** Whether the element has the keyboard focus (the page's `document.activeElement`). */
export function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement);
}
