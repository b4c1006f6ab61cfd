import { handler } from '../../functions/catalog/handler';
import { catalogRoutes } from '../../functions/catalog/routes';
import { newId } from '../../functions/shared/ids';
import type { RouteSpec } from '../../functions/shared/http/route';
import { adminEvent, lambdaContext, parse, routeById } from '../support/lambda-events';
import { createStaff } from '../support/staff';

let admin: string;
let analyst: string;

const route = (id: string): RouteSpec => routeById(catalogRoutes, id);
async function call(operationId: string, options: Parameters<typeof adminEvent>[1] = {}) {
  return parse(await handler(adminEvent(route(operationId), { staffId: admin, ...options }), lambdaContext()));
}
const uniqueSku = () => `SKU-${newId()}`;
const validProduct = (overrides: Record<string, unknown> = {}) => ({
  sku: uniqueSku(),
  name: 'Walnut desk',
  price: { amount: 49_900, currency: 'EUR' },
  ...overrides,
});

beforeAll(async () => {
  admin = await createStaff(['admin']);
  analyst = await createStaff(['analyst']);
});

describe('create and read', () => {
  it('creates a product with version 1, an ETag and who made it', async () => {
    const body = validProduct({ description: 'Solid walnut', status: 'active' });
    const res = await call('createProduct', { body });
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers.location).toBe(`/admin/v1/products/${res.body.id}`);
    expect(res.body).toMatchObject({
      sku: body.sku,
      name: 'Walnut desk',
      description: 'Solid walnut',
      price: { amount: 49_900, currency: 'EUR' },
      status: 'active',
      stock: { onHand: 0, reserved: 0, available: 0 },
      version: 1,
      updatedBy: `staff:${admin}`,
    });
    const read = await call('getProduct', { params: { id: res.body.id } });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it('defaults the status to draft', async () => {
    const res = await call('createProduct', { body: validProduct() });
    expect(res.body.status).toBe('draft');
  });

  it('refuses a duplicate SKU, whatever its case, with 409', async () => {
    const sku = uniqueSku();
    expect((await call('createProduct', { body: validProduct({ sku }) })).status).toBe(201);
    const dup = await call('createProduct', { body: validProduct({ sku: sku.toLowerCase() }) });
    expect(dup.status).toBe(409);
    expect(dup.headers['content-type']).toBe('application/problem+json');
    expect(dup.body).toMatchObject({ status: 409, type: expect.stringContaining('duplicate-sku'), detail: expect.stringContaining(sku.toLowerCase()) });
  });

  it('answers 404 for an unknown product', async () => {
    const res = await call('getProduct', { params: { id: newId() } });
    expect(res.status).toBe(404);
    expect(res.body.title).toBe('Not Found');
  });
});

describe('validation', () => {
  it('rejects an unknown field, naming it', async () => {
    const res = await call('createProduct', { body: validProduct({ version: 7 }) });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'body.version', message: 'Unknown field' }]);
  });

  it('rejects a fractional amount and a bad currency', async () => {
    const res = await call('createProduct', { body: validProduct({ price: { amount: 1.5, currency: 'XXX' } }) });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.price.amount', 'body.price.currency']);
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await call('createProduct', { rawBody: '{"sku": ', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.type).toContain('malformed-json');
  });

  it('rejects a body that is not JSON with 415', async () => {
    const res = await call('createProduct', { rawBody: 'sku=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
  });

  it('rejects an oversized body with 413 before parsing it', async () => {
    const res = await call('createProduct', { body: validProduct({ description: 'x'.repeat(300 * 1024) }) });
    expect(res.status).toBe(413);
  });

  it('rejects a malformed id with 400', async () => {
    const res = await call('getProduct', { params: { id: 'not-a-ulid' } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('params.id');
  });
});

describe('access', () => {
  it('answers 403 when the role lacks the permission', async () => {
    const res = await call('createProduct', { staffId: analyst, body: validProduct() });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('products:write');
  });

  it('answers 401 when there are no verified claims', async () => {
    const res = parse(await handler(adminEvent(route('listProducts')), lambdaContext()));
    expect(res.status).toBe(401);
  });

  it('answers 401 for a token of an unknown staff member', async () => {
    const res = await call('listProducts', { staffId: newId() });
    expect(res.status).toBe(401);
  });
});

describe('update with If-Match', () => {
  it('applies a change and bumps the version', async () => {
    const created = await call('createProduct', { body: validProduct() });
    const res = await call('updateProduct', {
      params: { id: created.body.id },
      body: { name: 'Oak desk', description: 'Oak' },
      headers: { 'if-match': '"1"' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Oak desk', description: 'Oak', version: 2 });
    expect(res.headers.etag).toBe('"2"');
    const cleared = await call('updateProduct', { params: { id: created.body.id }, body: { description: null } });
    expect(cleared.body.description).toBeUndefined();
    expect(cleared.body.version).toBe(3);
  });

  it('answers 412 for a stale If-Match', async () => {
    const created = await call('createProduct', { body: validProduct() });
    await call('updateProduct', { params: { id: created.body.id }, body: { name: 'v2' } });
    const res = await call('updateProduct', { params: { id: created.body.id }, body: { name: 'v3' }, headers: { 'if-match': '"1"' } });
    expect(res.status).toBe(412);
    expect(res.body.detail).toContain('version 2');
  });

  it('lets exactly one of two concurrent PATCHes of the same version win', async () => {
    const created = await call('createProduct', { body: validProduct() });
    const results = await Promise.all(
      ['Left', 'Right'].map((name) =>
        call('updateProduct', { params: { id: created.body.id }, body: { name }, headers: { 'if-match': '"1"' } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const final = await call('getProduct', { params: { id: created.body.id } });
    expect(final.body.version).toBe(2);
    expect(final.body.name).toBe(results.find((r) => r.status === 200)!.body.name);
  });

  it('moves the SKU claim when the SKU changes', async () => {
    const first = await call('createProduct', { body: validProduct() });
    const second = await call('createProduct', { body: validProduct() });
    const newSku = uniqueSku();
    const moved = await call('updateProduct', { params: { id: first.body.id }, body: { sku: newSku }, headers: { 'if-match': '"1"' } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ sku: newSku, version: 2 });
    // The old SKU is free again; the new one is taken.
    expect((await call('updateProduct', { params: { id: second.body.id }, body: { sku: first.body.sku } })).status).toBe(200);
    const taken = await call('createProduct', { body: validProduct({ sku: newSku }) });
    expect(taken.status).toBe(409);
  });

  it('rejects an empty change and a malformed If-Match', async () => {
    const created = await call('createProduct', { body: validProduct() });
    expect((await call('updateProduct', { params: { id: created.body.id }, body: {} })).status).toBe(400);
    const bad = await call('updateProduct', { params: { id: created.body.id }, body: { name: 'x' }, headers: { 'if-match': 'one' } });
    expect(bad.status).toBe(400);
  });

  it('does not let a PATCH set the status of a deleted product', async () => {
    const created = await call('createProduct', { body: validProduct() });
    await call('deleteProduct', { params: { id: created.body.id } });
    expect((await call('updateProduct', { params: { id: created.body.id }, body: { status: 'active' } })).status).toBe(404);
  });
});

describe('lists, soft delete and restore', () => {
  const status = 'archived';
  const ids: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 5; i++) {
      const res = await call('createProduct', { body: validProduct({ status }) });
      ids.unshift(res.body.id); // newest first
    }
  });

  async function listAll(query: Record<string, string>, limit = '2') {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await call('listProducts', { query: { ...query, limit, ...(cursor ? { cursor } : {}) } });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((p: { id: string }) => p.id));
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    return seen;
  }

  it('pages newest first with an opaque cursor', async () => {
    const seen = await listAll({ status });
    expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
  });

  it('rejects a tampered cursor and a cursor from another list', async () => {
    const first = await call('listProducts', { query: { status, limit: '1' } });
    const cursor: string = first.body.nextCursor;
    const [payload, mac] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), pk: 'STAFF#x' })).toString('base64url');
    const tampered = await call('listProducts', { query: { status, cursor: `${forged}.${mac}` } });
    expect(tampered.status).toBe(400);
    expect(tampered.body.errors[0].path).toBe('query.cursor');
    const replayed = await call('listProducts', { query: { status: 'draft', cursor } });
    expect(replayed.status).toBe(400);
  });

  it('hides a deleted product, shows it with includeDeleted, and restores it', async () => {
    const target = ids[2]!;
    const deleted = await call('deleteProduct', { params: { id: target } });
    expect(deleted.status).toBe(204);
    expect((await call('getProduct', { params: { id: target } })).status).toBe(404);
    expect(await listAll({ status })).not.toContain(target);
    expect((await call('deleteProduct', { params: { id: target } })).status).toBe(404);

    const withDeleted = await listAll({ status, includeDeleted: 'true' }, '10');
    expect(withDeleted).toContain(target);
    expect(withDeleted.indexOf(target)).toBeGreaterThan(withDeleted.indexOf(ids[4]!)); // deleted sort after live

    const forbidden = await call('listProducts', { staffId: analyst, query: { includeDeleted: 'true' } });
    expect(forbidden.status).toBe(403);

    const restored = await call('restoreProduct', { params: { id: target } });
    expect(restored.status).toBe(200);
    expect(restored.body.deletedAt).toBeUndefined();
    expect(restored.body.version).toBe(3);
    expect((await listAll({ status })).filter((id) => ids.includes(id))).toEqual(ids);
    const again = await call('restoreProduct', { params: { id: target } });
    expect(again.status).toBe(409);
  });

  it('keeps the SKU of a deleted product reserved', async () => {
    const created = await call('createProduct', { body: validProduct() });
    await call('deleteProduct', { params: { id: created.body.id } });
    expect((await call('createProduct', { body: validProduct({ sku: created.body.sku }) })).status).toBe(409);
  });
});

describe('response headers', () => {
  it('allows listed origins only and exposes the ETag and request id', async () => {
    const allowed = await call('listProducts', { headers: { origin: 'https://admin.example.com' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.example.com');
    // Header names are case-insensitive: compare them lower-cased.
    const exposed = String(allowed.headers['access-control-expose-headers']).toLowerCase().split(/\s*,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['etag', 'location', 'retry-after', 'idempotent-replayed', 'x-request-id']));
    expect(allowed.headers['x-request-id']).toEqual(expect.any(String));
    const other = await call('listProducts', { headers: { origin: 'https://evil.example.net' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('adds the request id to error responses too', async () => {
    const res = await call('getProduct', { params: { id: newId() }, headers: { origin: 'https://admin.example.com' } });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
    expect(res.headers['access-control-allow-origin']).toBe('https://admin.example.com');
  });
});
