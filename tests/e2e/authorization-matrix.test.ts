import { routes } from '../../functions/routes';
import { BUILT_IN_ROLE_NAMES, grants, grantsOfRoles } from '../../functions/shared/auth/permissions';
import { fullPath, routeKey, type RouteSpec } from '../../functions/shared/http/route';
import { newId } from '../../functions/shared/ids';
import { adminToken, api, credentials, partnerKey } from '../support/e2e-client';

/**
 * Every route of the route table × every caller: each built-in role, anonymous, partner keys with
 * and without the route's scope, a revoked key and an expired key. Exactly the allowed callers get
 * past authentication and authorization (any status but 401/403); the rest get 401 or 403.
 */
const STAFF_OF_ROLE: Record<string, string> = {
  admin: 'admin@example.com',
  operations: 'ops@example.com',
  finance: 'finance@example.com',
  support: 'support@example.com',
  editor: 'editor@example.com',
  analyst: 'analyst@example.com',
  auditor: 'auditor@example.com',
};

/** A concrete path: parameters are unknown ids (or an unknown role name), so nothing real is touched. */
function pathOf(route: RouteSpec): string {
  return fullPath(route).replace(/\{(\w+)\}/g, (_, name: string) => (name === 'name' ? 'no-such-role' : newId()));
}

function request(route: RouteSpec, auth: { token?: string; apiKey?: string }) {
  // An empty object is invalid for every body schema with required fields: an allowed caller gets
  // 400 or 404, never a side effect.
  return api(route.method, pathOf(route), { ...auth, ...(route.body ? { body: {} } : {}) });
}

const adminRoutes = routes.filter((r) => r.api === 'admin');
const partnerRoutes = routes.filter((r) => r.api === 'partner');

describe.each(BUILT_IN_ROLE_NAMES)('staff with role %s', (role) => {
  const held = grantsOfRoles([role]);
  it.each(adminRoutes.map((r) => [routeKey(r), r] as const))('%s', async (_key, route) => {
    const allowed = 'authenticated' in route.access || grants(held, route.access.permission);
    const reply = await request(route, { token: adminToken(STAFF_OF_ROLE[role]) });
    if (allowed) expect({ status: reply.status, refused: [401, 403].includes(reply.status) }).toEqual({ status: reply.status, refused: false });
    else expect({ status: reply.status, type: reply.body?.type }).toEqual({ status: 403, type: expect.stringContaining('forbidden') });
  });
});

describe('anonymous callers', () => {
  it.each(routes.map((r) => [routeKey(r), r] as const))('%s → 401', async (_key, route) => {
    const reply = await request(route, {});
    expect(reply.status).toBe(401);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('partner keys', () => {
  const adminAuth = () => ({ token: adminToken() });
  let revoked: string;
  let expired: string;

  beforeAll(async () => {
    const partner = (await api('POST', '/admin/v1/partners', { ...adminAuth(), body: { name: 'matrix', scopes: ['catalog:read', 'orders:read', 'orders:write', 'shipments:write', 'content:read'] } })).body;
    const issue = async (body: Record<string, unknown>) => (await api('POST', `/admin/v1/partners/${partner.id}/keys`, { ...adminAuth(), body })).body;
    const toRevoke = await issue({});
    expect((await api('DELETE', `/admin/v1/partners/${partner.id}/keys/${toRevoke.id}`, adminAuth())).status).toBe(204);
    revoked = toRevoke.key;
    const shortLived = await issue({ expiresAt: new Date(Date.now() + 1000).toISOString() });
    expired = shortLived.key;
    await new Promise((resolve) => setTimeout(resolve, 1100));
  });

  const demoScopes: Record<string, string[]> = { 'demo-shop': ['catalog:read', 'orders:read', 'orders:write', 'content:read'], 'demo-carrier': ['shipments:write'] };

  it.each(partnerRoutes.flatMap((r) => Object.keys(demoScopes).map((name) => [routeKey(r), name, r] as const)))(
    '%s with the %s key',
    async (_key, name, route) => {
      const reply = await request(route, { apiKey: partnerKey(name) });
      // Deny by default: a route names the scope it needs, or says any valid key will do.
      const allowed = 'anyKey' in route.access || demoScopes[name]!.includes(route.access.scope);
      if (allowed) expect([401, 403]).not.toContain(reply.status);
      else expect(reply.status).toBe(403);
    },
  );

  it.each(partnerRoutes.map((r) => [routeKey(r), r] as const))('%s with a revoked or expired key → 401', async (_key, route) => {
    expect((await request(route, { apiKey: revoked })).status).toBe(401);
    expect((await request(route, { apiKey: expired })).status).toBe(401);
  });

  it('treats a staff token on the partner API and a partner key on the admin API as no credentials', async () => {
    expect((await api('GET', '/partner/v1/products', { token: adminToken() })).status).toBe(401);
    expect((await api('GET', '/admin/v1/products', { apiKey: partnerKey() })).status).toBe(401);
  });

  it('knows every seeded role', () => {
    expect(Object.keys(credentials().tokens)).toEqual(expect.arrayContaining(Object.values(STAFF_OF_ROLE)));
  });
});

describe('spot checks a reviewer can read', () => {
  it.each([
    ['analyst@example.com', 'POST', '/admin/v1/products', 403],
    ['finance@example.com', 'GET', '/admin/v1/staff', 403],
    ['auditor@example.com', 'GET', '/admin/v1/staff', 200],
    ['ops@example.com', 'GET', '/admin/v1/products', 200],
    ['support@example.com', 'POST', '/admin/v1/roles', 403],
  ] as const)('%s %s %s → %i', async (email, method, path, status) => {
    const reply = await api(method, path, { token: adminToken(email), ...(method === 'POST' ? { body: {} } : {}) });
    expect(reply.status).toBe(status);
  });
});
