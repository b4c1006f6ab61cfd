import { sendOnce } from '../../console/src/api/client';
import { createDataProvider } from '../../console/src/providers/dataProvider';

/**
 * The console's data provider on a stubbed admin client: cursors become react-admin pages, updates
 * send only what changed with the version read, a 202 keeps the record and names its approval, and
 * a side effect retried after a failure keeps its Idempotency-Key.
 */
type Call = { method: string; path: string; init: { params?: { path?: Record<string, string>; query?: Record<string, unknown>; header?: Record<string, string> }; body?: unknown } };

function stubClient(answer: (call: Call) => { status: number; body: unknown }) {
  const calls: Call[] = [];
  const method =
    (name: string) =>
    async (path: string, init: Call['init'] = {}) => {
      const call = { method: name, path, init };
      calls.push(call);
      const { status, body } = answer(call);
      const response = new Response(null, { status: status === 204 ? 204 : status });
      return status < 300 ? { data: body, response } : { error: body, response };
    };
  const client = { GET: method('GET'), POST: method('POST'), PATCH: method('PATCH'), PUT: method('PUT'), DELETE: method('DELETE') };
  return { client: client as never, calls };
}

const product = (id: string, version = 1) => ({ id, sku: `SKU-${id}`, name: `Product ${id}`, price: { amount: 100, currency: 'EUR' }, status: 'active', version });

test('cursor pages: page 2 asks with the cursor page 1 returned; the total is known on the last page only', async () => {
  const { client, calls } = stubClient(({ init }) =>
    init.params?.query?.cursor === 'c2' ? { status: 200, body: { items: [product('3')], nextCursor: null } } : { status: 200, body: { items: [product('1'), product('2')], nextCursor: 'c2' } },
  );
  const provider = createDataProvider(client);
  const first = await provider.getList('products', { pagination: { page: 1, perPage: 2 }, sort: { field: 'id', order: 'ASC' }, filter: { status: 'active', q: 'ignored' } });
  expect(first.data.map((row) => row.id)).toEqual(['1', '2']);
  expect(first.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false });
  expect(first.total).toBeUndefined();
  const second = await provider.getList('products', { pagination: { page: 2, perPage: 2 }, sort: { field: 'id', order: 'ASC' }, filter: { status: 'active', q: 'ignored' } });
  expect(second.data.map((row) => row.id)).toEqual(['3']);
  expect(second.total).toBe(3);
  // Only the filters the API knows are sent.
  expect(calls.map((call) => call.init.params?.query)).toEqual([
    { status: 'active', limit: 2 },
    { status: 'active', limit: 2, cursor: 'c2' },
  ]);
});

test('an update sends only the changed writable fields, with If-Match from the version read', async () => {
  const { client, calls } = stubClient(() => ({ status: 200, body: { ...product('1', 5), name: 'New' } }));
  const provider = createDataProvider(client);
  const previous = { ...product('1', 4), stock: { onHand: 1, reserved: 0, available: 1 } };
  const { data } = await provider.update('products', { id: '1', data: { ...previous, name: 'New', stock: { onHand: 9 } }, previousData: previous });
  expect(calls[0]!.init.body).toEqual({ name: 'New' });
  expect(calls[0]!.init.params?.header).toEqual({ 'If-Match': '"4"' });
  expect(data.version).toBe(5);
});

test('a 202 keeps the record as it was and carries the approval that now decides', async () => {
  const approval = { id: 'A1', kind: 'price_change', status: 'pending' };
  const { client } = stubClient(() => ({ status: 202, body: { approval } }));
  const provider = createDataProvider(client);
  const previous = product('1', 4);
  const { data } = await provider.update('products', { id: '1', data: { ...previous, price: { amount: 999, currency: 'EUR' } }, previousData: previous });
  expect(data).toEqual({ ...previous, approvalSent: approval });
});

test('problem+json field errors become form errors on the fields they name', async () => {
  const problem = { type: 'https://backoffice.dev/problems/invalid-request', title: 'Bad Request', status: 400, detail: 'The request body is invalid', errors: [{ path: 'body.price.amount', message: 'Too small' }] };
  const { client } = stubClient(() => ({ status: 400, body: problem }));
  const provider = createDataProvider(client);
  await expect(provider.create('products', { data: { sku: 'A', name: 'A', price: { amount: -1, currency: 'EUR' } } })).rejects.toMatchObject({
    status: 400,
    body: { errors: { 'price.amount': 'Too small', root: { serverError: 'The request body is invalid' } } },
  });
});

test('a retried side effect reuses its Idempotency-Key until it succeeds; the next one gets a new key', async () => {
  const keys: string[] = [];
  const failing = (key: string) => {
    keys.push(key);
    return Promise.reject(new Error('network'));
  };
  const succeeding = (key: string) => {
    keys.push(key);
    return Promise.resolve('done');
  };
  const body = { amount: { amount: 100, currency: 'EUR' }, method: 'card' };
  await expect(sendOnce('pay O1', body, failing)).rejects.toThrow('network');
  await expect(sendOnce('pay O1', { ...body }, succeeding)).resolves.toBe('done');
  await sendOnce('pay O1', body, succeeding);
  await sendOnce('pay O1', { ...body, method: 'cash' }, succeeding);
  expect(keys[1]).toBe(keys[0]);
  expect(new Set(keys).size).toBe(3);
});
