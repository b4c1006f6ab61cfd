import { randomUUID } from 'node:crypto';
import { adminToken, api, partnerKey, type ApiReply } from '../support/e2e-client';

/** The products slice over real HTTP through the local gateway (started by the e2e global setup). */
type Reply = ApiReply;
const analystToken = adminToken('analyst@example.com');

/** An admin API call as the admin, unless another token is given. */
function http(method: string, path: string, options: { body?: unknown; raw?: string; headers?: Record<string, string>; token?: string } = {}): Promise<Reply> {
  return api(method, `/admin/v1${path}`, {
    token: options.token ?? adminToken(),
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.raw === undefined ? {} : { rawBody: options.raw }),
    ...(options.headers ? { headers: options.headers } : {}),
  });
}

function expectProblem(reply: Reply, status: number) {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toBe('application/problem+json');
  expect(reply.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
}

const newProduct = (overrides: Record<string, unknown> = {}) => ({
  sku: `E2E-${randomUUID().slice(0, 8)}`,
  name: 'Linen shirt',
  price: { amount: 5_900, currency: 'EUR' },
  status: 'active',
  ...overrides,
});

describe('bad input gets a problem+json answer', () => {
  it('malformed JSON → 400', async () => {
    expectProblem(await http('POST', '/products', { raw: '{"sku":', headers: { 'content-type': 'application/json' } }), 400);
  });

  it('unknown field → 400 naming the field', async () => {
    const reply = await http('POST', '/products', { body: newProduct({ status: 'active', owner: 'me' }) });
    expectProblem(reply, 400);
    expect(reply.body.errors).toEqual([{ path: 'body.owner', message: 'Unknown field' }]);
  });

  it('wrong content type → 415', async () => {
    expectProblem(await http('POST', '/products', { raw: JSON.stringify(newProduct()), headers: { 'content-type': 'text/plain' } }), 415);
  });

  it('oversized body → 413', async () => {
    expectProblem(await http('POST', '/products', { body: newProduct({ description: 'x'.repeat(400_000) }) }), 413);
  });

  it('tampered cursor → 400', async () => {
    await http('POST', '/products', { body: newProduct() });
    await http('POST', '/products', { body: newProduct() });
    const first = await http('GET', '/products?limit=1');
    expect(first.status).toBe(200);
    const cursor: string = first.body.nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const tampered = cursor.slice(0, -2) + (cursor.endsWith('AA') ? 'BB' : 'AA');
    expectProblem(await http('GET', `/products?limit=1&cursor=${encodeURIComponent(tampered)}`), 400);
  });

  it('duplicate SKU → 409', async () => {
    const product = newProduct();
    expect((await http('POST', '/products', { body: product })).status).toBe(201);
    expectProblem(await http('POST', '/products', { body: product }), 409);
  });

  it('missing permission → 403', async () => {
    expectProblem(await http('POST', '/products', { body: newProduct(), token: analystToken }), 403);
  });
});

describe('versions and races', () => {
  it('stale If-Match → 412', async () => {
    const created = await http('POST', '/products', { body: newProduct() });
    expect(created.headers.get('etag')).toBe('"1"');
    const id = created.body.id as string;
    expect((await http('PATCH', `/products/${id}`, { body: { name: 'Second' }, headers: { 'if-match': '"1"' } })).status).toBe(200);
    expectProblem(await http('PATCH', `/products/${id}`, { body: { name: 'Third' }, headers: { 'if-match': '"1"' } }), 412);
  });

  it('two concurrent PATCHes of the same version: exactly one succeeds', async () => {
    const created = await http('POST', '/products', { body: newProduct() });
    const id = created.body.id as string;
    const replies = await Promise.all(
      ['A', 'B'].map((name) => http('PATCH', `/products/${id}`, { body: { name }, headers: { 'if-match': '"1"' } })),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 412]);
    const read = await http('GET', `/products/${id}`);
    expect(read.body.version).toBe(2);
  });
});

describe('soft delete', () => {
  it('hides a deleted product from reads and lists, and restores it', async () => {
    const created = await http('POST', '/products', { body: newProduct({ status: 'archived' }) });
    const id = created.body.id as string;
    const listIds = async (query = '') => {
      const reply = await http('GET', `/products?status=archived&limit=100${query}`);
      expect(reply.status).toBe(200);
      return (reply.body.items as { id: string }[]).map((p) => p.id);
    };
    expect(await listIds()).toContain(id);

    expect((await http('DELETE', `/products/${id}`)).status).toBe(204);
    expectProblem(await http('GET', `/products/${id}`), 404);
    expect(await listIds()).not.toContain(id);
    expect(await listIds('&includeDeleted=true')).toContain(id);

    const restored = await http('POST', `/products/${id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.deletedAt).toBeUndefined();
    expect((await http('GET', `/products/${id}`)).status).toBe(200);
    expect(await listIds()).toContain(id);
  });
});

describe('list pages', () => {
  it('a list whose count is a multiple of the limit ends without an empty page', async () => {
    const id = (await http('POST', '/products', { body: newProduct() })).body.id as string;
    for (let i = 0; i < 4; i++) {
      expect((await http('POST', `/products/${id}/stock-adjustments`, { body: { delta: 1, reason: `Delivery ${i}` } })).status).toBe(201);
    }
    const first = await http('GET', `/products/${id}/stock-adjustments?limit=2`);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await http('GET', `/products/${id}/stock-adjustments?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body.items).toHaveLength(2);
    expect(second.body.nextCursor).toBeNull();
  });
});

describe('API description', () => {
  it('serves the OpenAPI 3.1 document to any signed-in staff member', async () => {
    const reply = await http('GET', '/openapi.json', { token: analystToken });
    expect(reply.status).toBe(200);
    expect(reply.body.openapi).toBe('3.1.0');
    expect(reply.body.servers[0].url).toBe('{origin}/admin/v1');
    expect(Object.keys(reply.body.paths)).toContain('/products/{id}');
    // Only the admin API's operations: the partner API's are in the partner document.
    expect(JSON.stringify(reply.body.paths)).not.toContain('"operationId":"partnerCreateOrder"');
  });

  it('serves the partner document on the partner API to any valid key, and nothing without one', async () => {
    const reply = await api('GET', '/partner/v1/openapi.json', { apiKey: partnerKey('demo-carrier') });
    expect(reply.status).toBe(200);
    expect(reply.body.info.title).toBe('Backoffice partner API');
    expect(reply.body.servers[0].url).toBe('{origin}/partner/v1');
    expect(Object.keys(reply.body.paths)).toEqual(expect.arrayContaining(['/products', '/orders', '/shipments/{id}/events']));
    expect(Object.keys(reply.body.paths)).not.toContain('/staff');
    const anonymous = await api('GET', '/partner/v1/openapi.json');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
  });
});
