import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { baseUrl } from '../support/e2e-client';

/**
 * `npm start` serves the admin console the way CloudFront does in AWS: the build at `/`, the app
 * for any extension-less path (deep links, the sign-in callback), hashed assets cached for good,
 * the same security headers, and a `config.json` for the local sign-in.
 */
const get = (path: string, init: RequestInit = {}) => fetch(baseUrl() + path, { redirect: 'manual', ...init });

test('the console is served at / with its security headers', async () => {
  const res = await get('/');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(res.headers.get('cache-control')).toBe('no-cache');
  expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(await res.text()).toContain('<div id="root"></div>');
});

test('deep links and the sign-in callback load the app; a missing file is 404', async () => {
  for (const path of ['/orders/01JDEM0C0000000000000000C1/show', '/auth/callback']) {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root"></div>');
  }
  expect((await get('/assets/nothing-here.js')).status).toBe(404);
});

test('hashed assets are immutable; nothing outside the build is reachable', async () => {
  const asset = readdirSync(join(__dirname, '../../console/dist/assets')).find((name) => name.endsWith('.js'))!;
  const res = await get(`/assets/${asset}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
  expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  for (const path of ['/..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/assets/..%2f..%2f..%2fpackage.json']) {
    const escaped = await get(path);
    expect(escaped.status).toBe(404);
    expect(await escaped.text()).not.toContain('"name"');
  }
});

test('config.json tells the console to use the local sign-in, with the seeded staff', async () => {
  const res = await get('/config.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-cache');
  const config = (await res.json()) as { apiUrl: string; auth: { mode: string; tokenUrl: string; staff: { email: string; name: string; roles: string[] }[] } };
  expect(config.apiUrl).toBe('/admin/v1');
  expect(config.auth.mode).toBe('local');
  expect(config.auth.tokenUrl).toBe('/local/token');
  expect(config.auth.staff).toEqual(expect.arrayContaining([{ email: 'ops@example.com', name: 'Oscar Operations', roles: ['operations'] }]));
});

test('the console accepts only GET and HEAD; the APIs keep their own answers', async () => {
  expect((await get('/', { method: 'POST' })).status).toBe(405);
  expect((await get('/', { method: 'HEAD' })).status).toBe(200);
  const api = await get('/admin/v1/products');
  expect(api.status).toBe(401);
  expect(api.headers.get('content-type')).toBe('application/problem+json');
  expect((await get('/admin/v1/no-such-route')).headers.get('content-type')).toBe('application/problem+json');
});
