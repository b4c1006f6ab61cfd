import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { issueKey } from '../../functions/iam/api-keys';
import { newId } from '../../functions/shared/ids';
import { ADMIN_CORS_ALLOW_HEADERS, ADMIN_CORS_EXPOSE_HEADERS } from '../../lib/constructs/admin-api';
import { freePort } from '../../local/ports';
import {
  adminToken,
  api,
  baseUrl,
  credentials,
  decodeJwt,
  localSigningKey,
  partnerKey,
  signJwt,
  useRuntimeTables,
  type ApiReply,
} from '../support/e2e-client';

/** The admin API's allowed origin in this run (set by the e2e global setup). */
const ALLOWED = process.env.BACKOFFICE_BROWSER_ORIGIN!;

/** The contract of the local runtime (docs/architecture.md#local-runtime) and its API Gateway semantics, over real HTTP. */
jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '../..');

function expectProblem(reply: ApiReply, status: number) {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toBe('application/problem+json');
  expect(reply.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
}

/** A token with the admin's claims, changed by `claims`, signed with `key`. */
function forgedToken(claims: Record<string, unknown>, signer = localSigningKey()): string {
  return signJwt({ ...decodeJwt(adminToken()), ...claims }, signer.key, signer.kid);
}

describe('what npm start promises', () => {
  it('writes credentials for every seeded staff member and both demo partners', () => {
    const file = credentials();
    expect(file.adminApiUrl).toMatch(/^http:\/\/localhost:\d+\/admin\/v1$/);
    expect(file.partnerApiUrl).toMatch(/^http:\/\/localhost:\d+\/partner\/v1$/);
    expect(Object.keys(file.tokens).sort()).toEqual(
      ['admin', 'admin2', 'analyst', 'auditor', 'editor', 'finance', 'finance2', 'ops', 'support'].map((n) => `${n}@example.com`).sort(),
    );
    expect(Object.keys(file.partnerKeys).sort()).toEqual(['demo-carrier', 'demo-shop']);
    const claims = decodeJwt(adminToken());
    expect(claims).toMatchObject({ token_use: 'access', email: 'admin@example.com', iss: file.issuer });
    expect(claims.sub).toBe(claims.username);
    expect((claims.exp as number) - (claims.iat as number)).toBe(12 * 60 * 60);
  });

  it('serves health and the JWKS', async () => {
    expect((await api('GET', '/local/health')).body).toMatchObject({ status: 'ok' });
    const jwks = await api('GET', '/local/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', kid: localSigningKey().kid })]);
    expect(jwks.body.keys[0].d).toBeUndefined();
  });
});

describe('admin API: JWT authorizer', () => {
  it('the printed admin token lists the seeded products', async () => {
    const reply = await api('GET', '/admin/v1/products?limit=100', { token: adminToken() });
    expect(reply.status).toBe(200);
    const skus = (reply.body.items as { sku: string }[]).map((p) => p.sku);
    expect(skus).toEqual(expect.arrayContaining(['DEMO-TSHIRT-ORGANIC', 'DEMO-MUG-ENAMEL', 'DEMO-BACKPACK-20L']));
  });

  it('no token → 401 problem+json', async () => {
    expectProblem(await api('GET', '/admin/v1/products'), 401);
  });

  it('a malformed token → 401', async () => {
    expectProblem(await api('GET', '/admin/v1/products', { token: 'not-a-jwt' }), 401);
    expectProblem(await api('GET', '/admin/v1/products', { headers: { authorization: adminToken() } }), 401);
  });

  it('an expired token → 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const reply = await api('GET', '/admin/v1/products', { token: forgedToken({ iat: now - 7200, nbf: now - 7200, exp: now - 60 }) });
    expectProblem(reply, 401);
    expect(reply.body.detail).toMatch(/expired/i);
  });

  it('a token not yet valid → 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    expectProblem(await api('GET', '/admin/v1/products', { token: forgedToken({ nbf: now + 600 }) }), 401);
  });

  it('a token signed with another key → 401, with or without the issuer key id', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const reply = await api('GET', '/admin/v1/products', { token: forgedToken({}, { key: privateKey, kid: localSigningKey().kid }) });
    expectProblem(reply, 401);
    expect(reply.body.detail).toMatch(/signature/i);
    expectProblem(await api('GET', '/admin/v1/products', { token: forgedToken({}, { key: privateKey, kid: 'other-key' }) }), 401);
  });

  it('a token for another audience or issuer → 401', async () => {
    expectProblem(await api('GET', '/admin/v1/products', { token: forgedToken({ client_id: 'someone-else' }) }), 401);
    expectProblem(await api('GET', '/admin/v1/products', { token: forgedToken({ aud: 'someone-else' }) }), 401);
    expectProblem(await api('GET', '/admin/v1/products', { token: forgedToken({ iss: 'https://evil.example.com' }) }), 401);
  });

  it('an ID token (token_use id) or a token without token_use → 401: only access tokens authenticate', async () => {
    const idToken = await api('GET', '/admin/v1/me', { token: forgedToken({ token_use: 'id', aud: decodeJwt(adminToken()).client_id }) });
    expectProblem(idToken, 401);
    expect(idToken.body.detail).toBe('Only an access token authenticates staff');
    expectProblem(await api('GET', '/admin/v1/me', { token: forgedToken({ token_use: undefined }) }), 401);
    // The same claims with token_use access are fine: the kind of token is what is refused.
    expect((await api('GET', '/admin/v1/me', { token: forgedToken({ token_use: 'access' }) })).status).toBe(200);
  });

  it('POST /local/token signs in a seeded staff member; unknown email → 404', async () => {
    const reply = await api('POST', '/local/token', { body: { email: 'ops@example.com' } });
    expect(reply.status).toBe(200);
    expect(reply.body.token).toEqual(expect.any(String));
    const me = await api('GET', '/admin/v1/me', { token: reply.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'ops@example.com', roles: ['operations'] });

    expectProblem(await api('POST', '/local/token', { body: { email: 'nobody@example.com' } }), 404);
    expectProblem(await api('POST', '/local/token', { body: { mail: 'x' } }), 400);
  });
});

describe('partner API: key authorizer', () => {
  it('the demo-shop key lists active products', async () => {
    const reply = await api('GET', '/partner/v1/products', { apiKey: partnerKey('demo-shop') });
    expect(reply.status).toBe(200);
    expect(reply.body.items.length).toBeGreaterThan(0);
    expect(reply.body.items[0]).toEqual(expect.objectContaining({ sku: expect.any(String), available: expect.any(Number) }));
  });

  it('no key or an unknown key → 401 problem+json', async () => {
    expectProblem(await api('GET', '/partner/v1/products'), 401);
    const forged = partnerKey('demo-shop').replace(/.{4}$/, 'AAAA');
    expectProblem(await api('GET', '/partner/v1/products', { apiKey: forged }), 401);
  });

  it('a key without the route scope → 403', async () => {
    expectProblem(await api('GET', '/partner/v1/products', { apiKey: partnerKey('demo-carrier') }), 403);
  });
});

describe('routing', () => {
  it('unknown route → 404; known path with another method → 405', async () => {
    expectProblem(await api('GET', '/admin/v1/no-such-thing', { token: adminToken() }), 404);
    expectProblem(await api('GET', '/partner/v1/no-such-thing', { apiKey: partnerKey('demo-shop') }), 404);
    const wrongMethod = await api('PUT', '/admin/v1/products', { token: adminToken() });
    expectProblem(wrongMethod, 405);
    expect(wrongMethod.headers.get('allow')).toContain('GET');
  });

  it('outside the APIs is the console: extension-less paths are its routes, a missing file is 404', async () => {
    const deepLink = await fetch(`${baseUrl()}/elsewhere`);
    expect(deepLink.status).toBe(200);
    expect(deepLink.headers.get('content-type')).toContain('text/html');
    expect(await deepLink.text()).toContain('<div id="root">');
    const missing = await fetch(`${baseUrl()}/elsewhere.js`);
    expect(missing.status).toBe(404);
  });

  it('path parameters reach the handler', async () => {
    const list = await api('GET', '/admin/v1/products?limit=1', { token: adminToken() });
    const id = list.body.items[0].id as string;
    const one = await api('GET', `/admin/v1/products/${id}`, { token: adminToken() });
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(id);
  });

  it('a body over API Gateway’s 10 MB limit → 413 problem+json', async () => {
    const reply = await api('POST', '/admin/v1/products', {
      token: adminToken(),
      rawBody: Buffer.alloc(10 * 1024 * 1024 + 1, 'a'),
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(reply, 413);
  });
});

describe('CORS (admin API)', () => {
  const preflight = (origin: string) =>
    api('OPTIONS', '/admin/v1/products', {
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  it('a preflight from an allowed origin is answered with the allow headers', async () => {
    const reply = await preflight(ALLOWED);
    expect(reply.status).toBe(204);
    expect(reply.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(reply.headers.get('access-control-allow-methods')).toContain('POST');
    // The same configuration as the HTTP API's corsPreflight in the CDK stack.
    expect(reply.headers.get('access-control-allow-headers')!.split(',').sort()).toEqual([...ADMIN_CORS_ALLOW_HEADERS].sort());
    expect(reply.headers.get('access-control-max-age')).toBe('600');
  });

  it('a preflight from another origin gets no allow headers', async () => {
    const reply = await preflight('https://evil.example.com');
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    expect(reply.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('actual responses carry the origin only for allowed origins, errors included', async () => {
    const allowed = await api('GET', '/admin/v1/products', { token: adminToken(), headers: { origin: ALLOWED } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('access-control-expose-headers')!.split(',').sort()).toEqual([...ADMIN_CORS_EXPOSE_HEADERS].sort());
    const refused = await api('GET', '/admin/v1/products', { headers: { origin: ALLOWED } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const other = await api('GET', '/admin/v1/products', { token: adminToken(), headers: { origin: 'https://evil.example.com' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

/** Moves the runtime's clock (usage plans, key expiry, functions) forward. */
async function advanceClock(seconds: number): Promise<void> {
  const reply = await api('POST', '/local/clock', { body: { advanceSeconds: seconds } });
  expect(reply.status).toBe(200);
}

describe('usage plans (partner API)', () => {
  /** A partner of its own with the given limits, so the test is deterministic. */
  async function partnerWith(rateLimit: { requestsPerSecond: number; burst: number }, dailyQuota: number): Promise<string> {
    useRuntimeTables();
    const { insertPartnerWithKey } = await import('../../functions/iam/partner-repository');
    const at = new Date().toISOString();
    const id = newId();
    const key = issueKey();
    await insertPartnerWithKey(
      { id, name: `e2e-${id}`, scopes: ['catalog:read'], tier: 'standard', status: 'active', rateLimit, dailyQuota, createdAt: at, version: 1 },
      { keyId: key.keyId, partnerId: id, prefix: key.prefix, secretHash: key.secretHash, scopes: ['catalog:read'], createdAt: at },
      { actor: 'system:e2e', requestId: 'e2e', sourceIp: '127.0.0.1', at },
    );
    return key.key;
  }

  it('a burst over the rate limit → 429 with Retry-After', async () => {
    const apiKey = await partnerWith({ requestsPerSecond: 1, burst: 2 }, 1_000);
    const replies = await Promise.all(Array.from({ length: 6 }, () => api('GET', '/partner/v1/products', { apiKey })));
    const ok = replies.filter((r) => r.status === 200);
    const throttled = replies.filter((r) => r.status === 429);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(ok.length).toBeLessThanOrEqual(3);
    expect(throttled.length).toBe(6 - ok.length);
    expectProblem(throttled[0]!, 429);
    expect(Number(throttled[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The next window works again.
    await advanceClock(Number(throttled[0]!.headers.get('retry-after')));
    expect((await api('GET', '/partner/v1/products', { apiKey })).status).toBe(200);
  });

  it('the daily quota → 429 until the next UTC day', async () => {
    const apiKey = await partnerWith({ requestsPerSecond: 100, burst: 100 }, 2);
    expect((await api('GET', '/partner/v1/products', { apiKey })).status).toBe(200);
    expect((await api('GET', '/partner/v1/products', { apiKey })).status).toBe(200);
    const over = await api('GET', '/partner/v1/products', { apiKey });
    expectProblem(over, 429);
    expect(over.body.detail).toMatch(/quota/i);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(24 * 60 * 60);
    // The next UTC day has a fresh quota.
    await advanceClock(Number(over.headers.get('retry-after')));
    expect((await api('GET', '/partner/v1/products', { apiKey })).status).toBe(200);
  });

  it('every answer states the policy and what is left of the day: r goes down by one per request', async () => {
    const apiKey = await partnerWith({ requestsPerSecond: 100, burst: 100 }, 1_000);
    const policy = '"day";q=1000;w=86400, "burst";q=100;w=1';
    const remaining: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const reply = await api('GET', '/partner/v1/products', { apiKey });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('ratelimit-policy')).toBe(policy);
      const [, r, t] = /^"day";r=(\d+);t=(\d+)$/.exec(reply.headers.get('ratelimit') ?? '') ?? [];
      expect(Number(t)).toBeGreaterThan(0);
      expect(Number(t)).toBeLessThanOrEqual(24 * 60 * 60);
      remaining.push(Number(r));
    }
    expect(remaining).toEqual([999, 998, 997]);
    // Errors of the function carry them too: an invalid query (400), a refused scope (403).
    const invalid = await api('GET', '/partner/v1/products?limit=many', { apiKey });
    expectProblem(invalid, 400);
    expect(invalid.headers.get('ratelimit-policy')).toBe(policy);
    expect(invalid.headers.get('ratelimit')).toMatch(/^"day";r=996;t=\d+$/);
    const refused = await api('GET', '/partner/v1/orders', { apiKey });
    expectProblem(refused, 403);
    expect(refused.headers.get('ratelimit-policy')).toBe(policy);
    expect(refused.headers.get('ratelimit')).toMatch(/^"day";r=995;t=\d+$/);
  });

  it("the seeded partner's figures are its record's, on a 404 of the function too", async () => {
    const missing = await api('GET', `/partner/v1/orders/${newId()}`, { apiKey: partnerKey('demo-shop') });
    expectProblem(missing, 404);
    expect(missing.headers.get('ratelimit-policy')).toBe('"day";q=50000;w=86400, "burst";q=40;w=1');
    expect(missing.headers.get('ratelimit')).toMatch(/^"day";r=\d+;t=\d+$/);
  });

  it('a 429 after the burst says so: RateLimit r=0 on the burst policy, Retry-After, and the policy', async () => {
    const apiKey = await partnerWith({ requestsPerSecond: 1, burst: 2 }, 1_000);
    const replies = await Promise.all(Array.from({ length: 5 }, () => api('GET', '/partner/v1/products', { apiKey })));
    const throttled = replies.find((r) => r.status === 429)!;
    expectProblem(throttled, 429);
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(throttled.headers.get('ratelimit')).toBe(`"burst";r=0;t=${retryAfter}`);
    expect(throttled.headers.get('ratelimit-policy')).toBe('"day";q=1000;w=86400, "burst";q=2;w=1');
  });

  it('the demo partners are not throttled by ordinary use', async () => {
    const replies = await Promise.all(Array.from({ length: 10 }, () => api('GET', '/partner/v1/products', { apiKey: partnerKey('demo-shop') })));
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(200));
  });
});

describe('machine problems', () => {
  function run(command: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((done) => {
      const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('exit', (code) => done({ code, stdout, stderr }));
    });
  }
  const tsx = [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'local/start.ts'];
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'backoffice-e2e-fail-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const ownLines = (stderr: string) =>
    stderr
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !/^npm (warn|notice|error)\b/i.test(line));

  it('a busy PORT: npm start prints one line and exits 1', async () => {
    const port = new URL(baseUrl()).port;
    const result = await run('npm', ['start'], { PORT: port, BACKOFFICE_DATA_DIR: dataDir, PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}` });
    expect(result.code).toBe(1);
    const lines = ownLines(result.stderr);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`Port ${port} is already in use`))]);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('a busy PORT: the runtime itself writes exactly one line on stderr', async () => {
    const port = new URL(baseUrl()).port;
    const result = await run(process.execPath, tsx, { PORT: port, BACKOFFICE_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/already in use/)]);
  });

  it('no Java: one line naming what to install, exit 1', async () => {
    // A PATH with Node but no Java.
    const result = await run(process.execPath, tsx, { PORT: String(await freePort()), BACKOFFICE_DATA_DIR: dataDir, PATH: join(ROOT, 'node_modules/.bin') });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/Java 17\+ is needed/)]);
  });
});
