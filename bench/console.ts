import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CONSOLE_DIST, ensureConsoleBuilt } from '../local/console-build';
import { freePort } from '../local/ports';
import { median, percentile, round } from './stats';

/**
 * The admin console as a person pays for it: the JavaScript the first page load downloads
 * (gzipped, every screen loaded on demand), and the time from navigation to the first list
 * rendered in Chromium against the local runtime, beside an empty page's navigation measured in
 * the same browser and run.
 */
const ROOT = join(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 10);
export const CONSOLE_INITIAL_JS_LIMIT_KB = 350;

interface Chunk {
  file: string;
  bytes: number;
  gzipBytes: number;
}

const chunk = (file: string): Chunk => {
  const content = readFileSync(join(CONSOLE_DIST, file));
  return { file, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
};

/** The entry script and the chunks index.html preloads: what loads before any screen is opened. */
function measureJavaScript() {
  const html = readFileSync(join(CONSOLE_DIST, 'index.html'), 'utf8');
  const initialFiles = [...html.matchAll(/<script[^>]+src="\/([^"]+\.js)"|<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+\.js)"/g)].map((m) => (m[1] ?? m[2])!);
  const initial = initialFiles.map(chunk);
  const all = readdirJs().map(chunk);
  const lazy = all.filter((c) => !initialFiles.includes(c.file));
  const sum = (chunks: Chunk[], key: 'bytes' | 'gzipBytes') => chunks.reduce((total, c) => total + c[key], 0);
  return {
    initial,
    initialGzipKb: round(sum(initial, 'gzipBytes') / 1024, 1),
    initialKb: round(sum(initial, 'bytes') / 1024, 1),
    lazyChunks: lazy.length,
    lazyGzipKb: round(sum(lazy, 'gzipBytes') / 1024, 1),
    largestLazy: lazy.sort((a, b) => b.gzipBytes - a.gzipBytes).slice(0, 5),
  };
}

function readdirJs(): string[] {
  return readdirSync(join(CONSOLE_DIST, 'assets'))
    .filter((name) => name.endsWith('.js'))
    .map((name) => `assets/${name}`);
}

/** `npm start` on a free port with a fresh data directory; resolves once it prints its ready line. */
async function startRuntime(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-console-'));
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'local/start.ts', '--reset'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', BACKOFFICE_DATA_DIR: dataDir, ACCESS_LOG: 'false', POWERTOOLS_LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The runtime did not start:\n${output}`)), 120_000);
    child.stdout!.on('data', (data: Buffer) => {
      output += data.toString();
      if (output.includes('Backoffice is ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
    child.once('exit', (code) => reject(new Error(`The runtime exited (${code}):\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An empty page from a server of its own: the browser's floor for a navigation. */
async function emptyPageServer(): Promise<{ url: string; close(): void }> {
  const server = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>empty</title><p>empty</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
}

async function measureFirstList() {
  const runtime = await startRuntime();
  const empty = await emptyPageServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const res = await fetch(`${runtime.url}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ops@example.com' }) });
    const { token, expiresIn } = (await res.json()) as { token: string; expiresIn: number };
    const session = JSON.stringify({ email: 'ops@example.com', token, expiresAt: Date.now() + expiresIn * 1000 });
    const consoleMs: number[] = [];
    const emptyMs: number[] = [];
    // Interleaved, each in a fresh profile (nothing cached): a person opening the console cold.
    for (let run = 0; run < RUNS + 1; run++) {
      const context = await browser.newContext();
      // Signed in already (the session the sign-in page stores), so the time is the list's, not the person's.
      await context.addInitScript((value) => sessionStorage.setItem('backoffice.local-session', value), session);
      const page = await context.newPage();
      let started = Date.now();
      await page.goto(`${runtime.url}/products`);
      await page.locator('tbody tr').first().waitFor({ timeout: 30_000 });
      const listMs = Date.now() - started;
      started = Date.now();
      await page.goto(empty.url);
      await page.getByText('empty').waitFor();
      const blankMs = Date.now() - started;
      await context.close();
      if (run === 0) continue; // the first run warms the runtime's functions, as a deployed stack is warm
      consoleMs.push(listMs);
      emptyMs.push(blankMs);
    }
    return {
      runs: RUNS,
      firstListP50Ms: round(median(consoleMs)),
      firstListP90Ms: round(percentile(consoleMs, 90)),
      emptyPageP50Ms: round(median(emptyMs)),
      emptyPageP90Ms: round(percentile(emptyMs, 90)),
      ratio: round(median(consoleMs) / median(emptyMs)),
    };
  } finally {
    await browser.close();
    empty.close();
    await runtime.stop();
  }
}

export async function measureConsole() {
  const build = await ensureConsoleBuilt(() => undefined);
  const javascript = measureJavaScript();
  const firstList = await measureFirstList();
  return { build, javascript, withinLimit: javascript.initialGzipKb <= CONSOLE_INITIAL_JS_LIMIT_KB, limitKb: CONSOLE_INITIAL_JS_LIMIT_KB, firstList };
}
