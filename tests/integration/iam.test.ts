import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { handler as catalog } from '../../functions/catalog/handler';
import { catalogRoutes } from '../../functions/catalog/routes';
import { handler as iam } from '../../functions/iam/handler';
import { handler as authorizer } from '../../functions/iam/partner-authorizer';
import { iamRoutes } from '../../functions/iam/routes';
import { BUILT_IN_ROLE_NAMES } from '../../functions/shared/auth/permissions';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../../functions/shared/db';
import { newId } from '../../functions/shared/ids';
import { partnerKeys } from '../../functions/shared/keys';
import { adminEvent, lambdaContext, parse, routeById } from '../support/lambda-events';
import { startTestApprovals, useOwnTable } from '../support/local-approvals';
import { countRequests } from '../support/request-counter';
import { createStaff } from '../support/staff';

let admin: string;
let admin2: string;

async function call(operationId: string, options: Parameters<typeof adminEvent>[1] = {}) {
  return parse(await iam(adminEvent(routeById(iamRoutes, operationId), { staffId: admin, ...options }), lambdaContext()));
}
async function catalogCall(operationId: string, options: Parameters<typeof adminEvent>[1] = {}) {
  return parse(await catalog(adminEvent(routeById(catalogRoutes, operationId), { staffId: admin, ...options }), lambdaContext()));
}
const email = () => `${newId().toLowerCase()}@iam.example.com`;

/** The partner item as stored, and a way to make it look like one written before it headed its key list. */
async function rawPartnerItem(id: string) {
  return (await documentClient.send(new GetCommand({ TableName: tableName(), Key: partnerKeys.byId(id) }))).Item;
}
async function dropPartnerHead(id: string) {
  await documentClient.send(new UpdateCommand({ TableName: tableName(), Key: partnerKeys.byId(id), UpdateExpression: 'REMOVE gsi1pk, gsi1sk' }));
}
const roleName = () => `r-${newId().toLowerCase().slice(-10)}`;

// Granting admin starts an approval workflow (tests/integration/approvals.test.ts covers it).
let approvals: Awaited<ReturnType<typeof startTestApprovals>> | undefined;
beforeAll(async () => {
  await useOwnTable('iam');
  approvals = await startTestApprovals();
  admin = await createStaff(['admin']);
  admin2 = await createStaff(['admin']);
});
afterAll(() => approvals?.dispose());

describe('roles', () => {
  it('lists the seven built-in roles first', async () => {
    const res = await call('listRoles');
    expect(res.status).toBe(200);
    expect(res.body.items.slice(0, 7).map((r: { name: string }) => r.name)).toEqual(BUILT_IN_ROLE_NAMES);
    expect(res.body.items[0]).toEqual({ name: 'admin', permissions: ['*'], builtIn: true });
  });

  it('rejects unknown permissions and built-in names', async () => {
    const bad = await call('createRole', { body: { name: roleName(), permissions: ['products:read', 'rockets:launch', 'nope:*'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.permissions.1', 'body.permissions.2']);
    expect((await call('createRole', { body: { name: 'finance', permissions: ['products:read'] } })).status).toBe(409);
    expect((await call('updateRole', { params: { name: 'finance' }, body: { permissions: ['*'] } })).status).toBe(409);
    expect((await call('deleteRole', { params: { name: 'admin' } })).status).toBe(409);
  });

  it('creates, changes and deletes a custom role; refuses duplicates and stale versions', async () => {
    const name = roleName();
    const created = await call('createRole', { body: { name, description: 'Catalog viewers', permissions: ['products:read'] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, builtIn: false, assignedCount: 0, version: 1 });
    expect((await call('createRole', { body: { name, permissions: ['products:read'] } })).status).toBe(409);
    const changed = await call('updateRole', { params: { name }, body: { permissions: ['products:*'] }, headers: { 'if-match': '"1"' } });
    expect(changed.body).toMatchObject({ permissions: ['products:*'], version: 2 });
    expect((await call('updateRole', { params: { name }, body: { description: 'x' }, headers: { 'if-match': '"1"' } })).status).toBe(412);
    expect((await call('deleteRole', { params: { name } })).status).toBe(204);
    expect((await call('getRole', { params: { name } })).status).toBe(404);
  });

  it('a deleted role is gone for every use, and its name can be used again', async () => {
    const name = roleName();
    await call('createRole', { body: { name, permissions: ['products:read'] } });
    expect((await call('deleteRole', { params: { name } })).status).toBe(204);
    expect((await call('deleteRole', { params: { name } })).status).toBe(404);
    expect((await call('updateRole', { params: { name }, body: { description: 'x' } })).status).toBe(404);
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call('listRoles', { query: { limit: '100', ...(cursor ? { cursor } : {}) } });
      listed.push(...page.body.items.map((r: { name: string }) => r.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(listed).toContain('admin');
    expect(listed).not.toContain(name);
    const refused = await call('createStaff', { body: { email: email(), name: 'Nobody', roles: [name] } });
    expect(refused.status).toBe(400);

    // Created again under the same name: a new role (the tombstone is replaced), assignable again.
    const again = await call('createRole', { body: { name, permissions: ['orders:read'] } });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ name, permissions: ['orders:read'], assignedCount: 0, version: 1 });
    expect((await call('getRole', { params: { name } })).body).not.toHaveProperty('deletedAt');
    expect((await call('createStaff', { body: { email: email(), name: 'Holder', roles: [name] } })).status).toBe(201);
  });

  it('grants a custom role’s permissions and keeps an assigned role from being deleted', async () => {
    const name = roleName();
    await call('createRole', { body: { name, permissions: ['products:read'] } });
    const member = await call('createStaff', { body: { email: email(), name: 'Viewer', roles: [name] } });
    expect(member.status).toBe(201);
    expect((await call('getRole', { params: { name } })).body.assignedCount).toBe(1);

    expect((await catalogCall('listProducts', { staffId: member.body.id })).status).toBe(200);
    const denied = await catalogCall('createProduct', { staffId: member.body.id, body: { sku: newId(), name: 'x', price: { amount: 1, currency: 'EUR' } } });
    expect(denied.status).toBe(403);

    const inUse = await call('deleteRole', { params: { name } });
    expect(inUse.status).toBe(409);
    expect(inUse.body.detail).toContain('held by 1');
    expect((await call('setStaffRoles', { params: { id: member.body.id }, body: { roles: [] } })).status).toBe(200);
    expect((await call('getRole', { params: { name } })).body.assignedCount).toBe(0);
    expect((await call('deleteRole', { params: { name } })).status).toBe(204);
  });
});

describe('staff', () => {
  it('creates a member with a unique (case-insensitive) email', async () => {
    const address = email();
    const created = await call('createStaff', { body: { email: address.toUpperCase(), name: 'Ann', roles: ['support'] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: address, roles: ['support'], status: 'active', version: 1 });
    const dup = await call('createStaff', { body: { email: address, name: 'Ann again', roles: [] } });
    expect(dup.status).toBe(409);
    expect((await call('getStaff', { params: { id: created.body.id } })).body.email).toBe(address);
  });

  it('refuses an unknown role', async () => {
    const res = await call('createStaff', { body: { email: email(), name: 'X', roles: ['no-such-role'] } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('body.roles');
  });

  it('lets nobody change their own roles, puts granting admin behind an approval, and lets only admins change an admin', async () => {
    expect((await call('setStaffRoles', { params: { id: admin }, body: { roles: ['admin', 'finance'] } })).status).toBe(403);

    const managerRole = roleName();
    await call('createRole', { body: { name: managerRole, permissions: ['staff:*'] } });
    const manager = (await call('createStaff', { body: { email: email(), name: 'Manager', roles: [managerRole] } })).body.id as string;
    const clerk = (await call('createStaff', { body: { email: email(), name: 'Clerk', roles: ['support'] } })).body.id as string;

    const candidate = (await call('createStaff', { body: { email: email(), name: 'Candidate', roles: ['support'] } })).body.id as string;
    const grant = await call('setStaffRoles', { staffId: manager, params: { id: candidate }, body: { roles: ['admin'] } });
    expect(grant.status).toBe(202);
    expect(grant.body.approval).toMatchObject({ kind: 'admin_role_grant', status: 'pending', steps: [{ role: 'admin' }] });
    expect((await call('getStaff', { params: { id: candidate } })).body.roles).toEqual(['support']);
    expect((await call('createStaff', { staffId: manager, body: { email: email(), name: 'Y', roles: ['admin'] } })).status).toBe(403);
    // Not even an admin creates an admin directly: the grant needs another admin's approval.
    const direct = await call('createStaff', { body: { email: email(), name: 'Z', roles: ['admin', 'support'] } });
    expect(direct.status).toBe(409);
    expect(direct.body.type).toContain('approval-required');
    expect((await call('disableStaff', { staffId: manager, params: { id: admin2 } })).status).toBe(403);
    expect((await call('updateStaff', { staffId: manager, params: { id: admin2 }, body: { name: 'Renamed' } })).status).toBe(403);
    expect((await call('setStaffRoles', { staffId: manager, params: { id: clerk }, body: { roles: ['support', 'finance'] } })).status).toBe(200);
    expect((await call('setStaffRoles', { params: { id: clerk }, body: { roles: ['admin'] } })).status).toBe(202);
  });

  it('refuses a disabled member on their next request, whatever token they hold, and lets them back in', async () => {
    const member = (await call('createStaff', { body: { email: email(), name: 'Temp', roles: ['operations'] } })).body.id as string;
    expect((await catalogCall('listProducts', { staffId: member })).status).toBe(200);
    const disabled = await call('disableStaff', { params: { id: member } });
    expect(disabled.status).toBe(200);
    expect(disabled.body.status).toBe('disabled');
    const refused = await catalogCall('listProducts', { staffId: member });
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toContain('disabled');
    expect((await call('disableStaff', { params: { id: member } })).status).toBe(409);
    expect((await call('enableStaff', { params: { id: member } })).status).toBe(200);
    expect((await catalogCall('listProducts', { staffId: member })).status).toBe(200);
  });

  it('does not let a member disable themselves', async () => {
    const res = await call('disableStaff', { params: { id: admin } });
    expect(res.status).toBe(409);
  });

  it('moves the email claim on an email change', async () => {
    const first = email();
    const id = (await call('createStaff', { body: { email: first, name: 'Mover', roles: [] } })).body.id as string;
    const second = email();
    const moved = await call('updateStaff', { params: { id }, body: { email: second }, headers: { 'if-match': '"1"' } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ email: second, version: 2 });
    expect((await call('createStaff', { body: { email: first, name: 'Reuse', roles: [] } })).status).toBe(201);
    expect((await call('createStaff', { body: { email: second, name: 'Taken', roles: [] } })).status).toBe(409);
  });

  it('answers /me with the member and effective permissions', async () => {
    const res = await call('getMe', { staffId: admin2 });
    expect(res.body).toMatchObject({ id: admin2, roles: ['admin'], permissions: ['*'] });
  });

  it('pages through staff with a signed cursor', async () => {
    const first = await call('listStaff', { query: { limit: '2' } });
    expect(first.body.items).toHaveLength(2);
    const second = await call('listStaff', { query: { limit: '2', cursor: first.body.nextCursor } });
    expect(second.status).toBe(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });
});

describe('partners and keys', () => {
  function authorizerEvent(key: string): APIGatewayRequestAuthorizerEvent {
    return {
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:eu-west-1:000000000000:api/live/GET/partner/v1/products',
      resource: '/partner/v1/products',
      path: '/partner/v1/products',
      httpMethod: 'GET',
      headers: { 'X-API-Key': key },
      multiValueHeaders: {},
      pathParameters: {},
      queryStringParameters: {},
      multiValueQueryStringParameters: {},
      stageVariables: {},
      requestContext: {} as never,
    };
  }
  const authorize = (key: string) => authorizer(authorizerEvent(key));

  async function newPartner(body: Record<string, unknown> = {}) {
    const res = await call('createPartner', { body: { name: 'Shop', scopes: ['catalog:read', 'orders:read'], ...body } });
    expect(res.status).toBe(201);
    return res.body as { id: string; rateLimit: unknown; dailyQuota: number };
  }

  it('takes limits from the tier unless given', async () => {
    expect(await newPartner()).toMatchObject({ tier: 'standard', rateLimit: { requestsPerSecond: 10, burst: 20 }, dailyQuota: 10_000 });
    expect(await newPartner({ tier: 'premium', dailyQuota: 5 })).toMatchObject({ rateLimit: { requestsPerSecond: 50, burst: 100 }, dailyQuota: 5 });
  });

  it('shows a key once, stores only its hash, and resolves it to partner and scopes', async () => {
    const partner = await newPartner();
    const issued = await call('issuePartnerKey', { params: { id: partner.id }, body: { scopes: ['catalog:read'] } });
    expect(issued.status).toBe(201);
    expect(issued.body.key).toMatch(/^bok_/);
    const listed = await call('listPartnerKeys', { params: { id: partner.id } });
    expect(listed.body.items).toEqual([expect.objectContaining({ id: issued.body.id, status: 'active', scopes: ['catalog:read'] })]);
    expect(JSON.stringify(listed.body)).not.toContain(issued.body.key.slice(-20));
    expect(JSON.stringify(listed.body)).not.toContain('secretHash');

    const result = await authorize(issued.body.key);
    // The usage plan's figures travel with the decision (the RateLimit-Policy field of every answer).
    expect(result.context).toEqual({ partnerId: partner.id, keyId: issued.body.id, scopes: 'catalog:read', rateLimitPerSecond: 10, rateLimitBurst: 20, dailyQuota: 10_000 });
  });

  it('in AWS also counts the partner\'s requests of the UTC day (one UpdateItem), for the RateLimit field', async () => {
    const partner = await newPartner();
    const issued = (await call('issuePartnerKey', { params: { id: partner.id }, body: {} })).body;
    process.env.COUNT_PARTNER_REQUESTS = 'true';
    try {
      const counter = countRequests();
      expect((await authorize(issued.key)).context?.requestsToday).toBe(1);
      expect(counter.commands()).toEqual(['GetItem', 'GetItem', 'UpdateItem']);
      expect((await authorize(issued.key)).context?.requestsToday).toBe(2);
    } finally {
      delete process.env.COUNT_PARTNER_REQUESTS;
    }
    expect((await authorize(issued.key)).context?.requestsToday).toBeUndefined();
  });

  it('refuses scopes the partner lacks and a past expiry', async () => {
    const partner = await newPartner();
    const lacking = await call('issuePartnerKey', { params: { id: partner.id }, body: { scopes: ['catalog:read', 'shipments:write'] } });
    expect(lacking.status).toBe(400);
    expect(lacking.body.errors).toEqual([{ path: 'body.scopes', message: 'The partner lacks shipments:write' }]);
    expect((await call('issuePartnerKey', { params: { id: partner.id }, body: { expiresAt: '2020-01-01T00:00:00Z' } })).status).toBe(400);
    expect((await call('issuePartnerKey', { params: { id: partner.id }, body: { scopes: ['catalog:read'], expiresAt: '2020-01-01T00:00:00Z' } })).status).toBe(400);
    expect((await call('listPartnerKeys', { params: { id: partner.id } })).body.items).toEqual([]);
  });

  it('issues a key with named scopes in one transaction that checks the partner (unknown, deleted: 404; disabled: 409)', async () => {
    const counter = countRequests();
    const partner = await newPartner();
    counter.reset();
    const issued = await call('issuePartnerKey', { params: { id: partner.id }, body: { scopes: ['orders:read'] } });
    expect(issued.status).toBe(201);
    expect(counter.commands()).toEqual(['GetItem', 'TransactWriteItems']); // the caller's staff record, then the transaction
    expect(issued.body).toMatchObject({ partnerId: partner.id, scopes: ['orders:read'], expiresAt: null });
    expect((await authorize(issued.body.key)).context?.scopes).toBe('orders:read');
    counter.reset();
    expect((await call('issuePartnerKey', { params: { id: partner.id }, body: {} })).body.scopes).toEqual(['catalog:read', 'orders:read']);
    expect(counter.commands()).toEqual(['GetItem', 'GetItem', 'PutItem']); // all of the partner's scopes: read first

    expect((await call('issuePartnerKey', { params: { id: newId() }, body: { scopes: ['orders:read'] } })).status).toBe(404);
    const disabled = await newPartner();
    await call('updatePartner', { params: { id: disabled.id }, body: { status: 'disabled' } });
    const refused = await call('issuePartnerKey', { params: { id: disabled.id }, body: { scopes: ['orders:read', 'shipments:write'] } });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe('The partner is disabled');
    const deleted = await newPartner();
    expect((await call('deletePartner', { params: { id: deleted.id } })).status).toBe(204);
    expect((await call('issuePartnerKey', { params: { id: deleted.id }, body: { scopes: ['orders:read'] } })).status).toBe(404);
    expect((await call('listPartnerKeys', { params: { id: disabled.id } })).body.items).toEqual([]);
  });

  it('refuses a revoked key from its next request', async () => {
    const partner = await newPartner();
    const issued = (await call('issuePartnerKey', { params: { id: partner.id }, body: {} })).body;
    await expect(authorize(issued.key)).resolves.toBeDefined();
    expect((await call('revokePartnerKey', { params: { id: partner.id, keyId: issued.id } })).status).toBe(204);
    await expect(authorize(issued.key)).rejects.toThrow('Unauthorized');
    expect((await call('revokePartnerKey', { params: { id: partner.id, keyId: issued.id } })).status).toBe(409);
    const other = await newPartner();
    expect((await call('revokePartnerKey', { params: { id: other.id, keyId: issued.id } })).status).toBe(404);
  });

  it('rotates with an overlap: both keys work, then only the new one', async () => {
    const partner = await newPartner();
    const old = (await call('issuePartnerKey', { params: { id: partner.id }, body: {} })).body;
    const rotated = await call('rotatePartnerKey', { params: { id: partner.id, keyId: old.id }, body: { overlapSeconds: 3600 } });
    expect(rotated.status).toBe(201);
    await expect(authorize(old.key)).resolves.toBeDefined();
    await expect(authorize(rotated.body.key)).resolves.toBeDefined();
    const keys = (await call('listPartnerKeys', { params: { id: partner.id } })).body.items;
    expect(keys.find((k: { id: string }) => k.id === old.id)).toMatchObject({ status: 'rotating', replacedBy: rotated.body.id });
    expect((await call('rotatePartnerKey', { params: { id: partner.id, keyId: old.id }, body: {} })).status).toBe(409);

    const immediate = await call('rotatePartnerKey', { params: { id: partner.id, keyId: rotated.body.id }, body: { overlapSeconds: 0 } });
    await expect(authorize(rotated.body.key)).rejects.toThrow('Unauthorized');
    await expect(authorize(immediate.body.key)).resolves.toBeDefined();
  });

  it('refuses an expired key', async () => {
    const partner = await newPartner();
    const soon = new Date(Date.now() + 1500).toISOString();
    const issued = (await call('issuePartnerKey', { params: { id: partner.id }, body: { expiresAt: soon } })).body;
    await expect(authorize(issued.key)).resolves.toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1600));
    await expect(authorize(issued.key)).rejects.toThrow('Unauthorized');
  });

  it('applies a disabled partner and a withdrawn scope at once', async () => {
    const partner = await newPartner();
    const issued = (await call('issuePartnerKey', { params: { id: partner.id }, body: {} })).body;
    expect((await authorize(issued.key)).context?.scopes).toBe('catalog:read orders:read');
    await call('updatePartner', { params: { id: partner.id }, body: { scopes: ['orders:read'] } });
    expect((await authorize(issued.key)).context?.scopes).toBe('orders:read');
    await call('updatePartner', { params: { id: partner.id }, body: { status: 'disabled' } });
    await expect(authorize(issued.key)).rejects.toThrow('Unauthorized');
    expect((await call('issuePartnerKey', { params: { id: partner.id }, body: {} })).status).toBe(409);
  });

  it('deletes a partner: its keys stop at once, it leaves the list, and reads answer 404', async () => {
    const partner = await newPartner();
    const issued = (await call('issuePartnerKey', { params: { id: partner.id }, body: {} })).body;
    expect((await call('deletePartner', { params: { id: partner.id } })).status).toBe(204);
    await expect(authorize(issued.key)).rejects.toThrow('Unauthorized');
    expect((await call('getPartner', { params: { id: partner.id } })).status).toBe(404);
    expect((await call('deletePartner', { params: { id: partner.id } })).status).toBe(404);
    expect((await call('updatePartner', { params: { id: partner.id }, body: { name: 'x' } })).status).toBe(404);
    const listed = (await call('listPartners', { query: { limit: '100' } })).body.items.map((p: { id: string }) => p.id);
    expect(listed).not.toContain(partner.id);
  });

  it('lists keys newest first in pages, and answers 404 for an unknown or deleted partner', async () => {
    const partner = await newPartner();
    expect((await call('listPartnerKeys', { params: { id: partner.id } })).body).toEqual({ items: [], nextCursor: null });
    const older = (await call('issuePartnerKey', { params: { id: partner.id }, body: {} })).body;
    const newer = (await call('issuePartnerKey', { params: { id: partner.id }, body: {} })).body;
    const first = (await call('listPartnerKeys', { params: { id: partner.id }, query: { limit: '1' } })).body;
    expect(first.items.map((k: { id: string }) => k.id)).toEqual([newer.id]);
    const second = (await call('listPartnerKeys', { params: { id: partner.id }, query: { limit: '1', cursor: first.nextCursor } })).body;
    expect(second.items.map((k: { id: string }) => k.id)).toEqual([older.id]);
    expect((await call('listPartnerKeys', { params: { id: newId() } })).status).toBe(404);
    expect((await call('deletePartner', { params: { id: partner.id } })).status).toBe(204);
    expect((await call('listPartnerKeys', { params: { id: partner.id } })).status).toBe(404);
  });

  it('lists the keys of a partner stored before partners headed their key list, and heads it from its next update', async () => {
    const partner = await newPartner();
    const issued = (await call('issuePartnerKey', { params: { id: partner.id }, body: {} })).body;
    await dropPartnerHead(partner.id);
    const listed = await call('listPartnerKeys', { params: { id: partner.id } });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((k: { id: string }) => k.id)).toEqual([issued.id]);
    expect((await call('updatePartner', { params: { id: partner.id }, body: { name: 'Renamed' } })).status).toBe(200);
    expect((await rawPartnerItem(partner.id))?.gsi1pk).toBe(`PARTNER_KEYS#${partner.id}`);
  });

  it('refuses a wrong secret for a real key id', async () => {
    const partner = await newPartner();
    const issued = (await call('issuePartnerKey', { params: { id: partner.id }, body: {} })).body;
    const forged = issued.key.slice(0, -4) + (issued.key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await expect(authorize(forged)).rejects.toThrow('Unauthorized');
  });
});
