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

  const demoScopes: Record<string, string[]> = { 'demo-shop': ['catalog:read', 'orders:read', 'orders:write', 'content:read', 'webhooks:manage', 'events:read'], 'demo-carrier': ['shipments:write'] };

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

describe('customers a partner may order for', () => {
  /** Seeded by `npm start` and linked to demo-shop (local/seed.ts). */
  const DEMO_CUSTOMERS = ['01JDEM0C0000000000000000C1', '01JDEM0C0000000000000000C2'];
  let partnerB: { id: string; key: string };
  let productId: string;

  const asPartner = (apiKey: string, method: string, path: string, body?: unknown) =>
    api(method, `/partner/v1${path}`, { apiKey, ...(body === undefined ? {} : { body }), headers: { 'Idempotency-Key': newId() } });
  const order = (apiKey: string, customerId: string) => asPartner(apiKey, 'POST', '/orders', { customerId, lines: [{ productId, quantity: 1 }] });
  const createCustomer = async (apiKey: string) => {
    const created = await asPartner(apiKey, 'POST', '/customers', { name: 'Matrix Customer', email: `matrix.${newId().toLowerCase()}@example.com` });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };

  beforeAll(async () => {
    const partner = (await api('POST', '/admin/v1/partners', { token: adminToken(), body: { name: `matrix-b-${newId().slice(-6)}`, scopes: ['orders:read', 'orders:write'] } })).body;
    partnerB = { id: partner.id, key: (await api('POST', `/admin/v1/partners/${partner.id}/keys`, { token: adminToken(), body: {} })).body.key };
    const product = (await api('POST', '/admin/v1/products', { token: adminToken(), body: { sku: `MATRIX-${newId()}`, name: 'Matrix item', price: { amount: 100, currency: 'EUR' }, status: 'active' } })).body;
    productId = product.id;
    expect((await api('POST', `/admin/v1/products/${productId}/stock-adjustments`, { token: adminToken(), body: { delta: 20, reason: 'Goods received' } })).status).toBe(201);
  });

  it("partner A (demo-shop) cannot order for partner B's customer, nor for an unknown or a staff-only one: 404, nothing written", async () => {
    const theirs = await createCustomer(partnerB.key);
    const staffOnly = (await api('POST', '/admin/v1/customers', { token: adminToken('ops@example.com'), body: { name: 'Staff only', email: `staff.${newId().toLowerCase()}@example.com` } })).body.id;
    for (const customerId of [theirs, staffOnly, newId()]) {
      const refused = await order(partnerKey('demo-shop'), customerId);
      expect({ status: refused.status, detail: refused.body.detail, type: refused.headers.get('content-type') }).toEqual({ status: 404, detail: 'Customer not found', type: 'application/problem+json' });
      expect((await asPartner(partnerKey('demo-shop'), 'GET', `/customers/${customerId}`)).status).toBe(404);
    }
    for (const customerId of DEMO_CUSTOMERS) expect((await order(partnerB.key, customerId)).status).toBe(404);
    const stock = (await api('GET', `/admin/v1/products/${productId}`, { token: adminToken() })).body.stock;
    expect(stock).toEqual({ onHand: 20, reserved: 0, available: 20 });
    expect((await api('GET', `/admin/v1/customers/${theirs}/orders`, { token: adminToken() })).body.items).toEqual([]);
  });

  it('partner A orders for its own customers and the ones staff linked to it (the demo customers); B after staff link it', async () => {
    const own = await createCustomer(partnerKey('demo-shop'));
    expect((await order(partnerKey('demo-shop'), own)).status).toBe(201);
    for (const customerId of DEMO_CUSTOMERS) {
      expect((await order(partnerKey('demo-shop'), customerId)).status).toBe(201);
      expect((await asPartner(partnerKey('demo-shop'), 'GET', `/customers/${customerId}`)).status).toBe(200);
    }
    const staffOnly = (await api('POST', '/admin/v1/customers', { token: adminToken('ops@example.com'), body: { name: 'To link', email: `link.${newId().toLowerCase()}@example.com` } })).body.id;
    expect((await order(partnerB.key, staffOnly)).status).toBe(404);
    // Linking needs customers:write (operations has it, finance does not).
    expect((await api('PUT', `/admin/v1/customers/${staffOnly}/partners/${partnerB.id}`, { token: adminToken('finance@example.com') })).status).toBe(403);
    expect((await api('PUT', `/admin/v1/customers/${staffOnly}/partners/${partnerB.id}`, { token: adminToken('ops@example.com') })).status).toBe(200);
    expect((await order(partnerB.key, staffOnly)).status).toBe(201);
    expect((await order(partnerKey('demo-shop'), staffOnly)).status).toBe(404);
    expect((await api('DELETE', `/admin/v1/customers/${staffOnly}/partners/${partnerB.id}`, { token: adminToken('ops@example.com') })).status).toBe(204);
    expect((await order(partnerB.key, staffOnly)).status).toBe(404);
  });
});
