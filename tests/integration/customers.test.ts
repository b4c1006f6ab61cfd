import { newId } from '../../functions/shared/ids';
import { asStaff, order, productWithStock } from '../support/commerce';
import { createStaff } from '../support/staff';

/** Customers: CRUD with soft delete; email and phone masked without customers:read_pii. */
let admin: string;
let support: string;
let ops: string;
let analyst: string;

beforeAll(async () => {
  [admin, support, ops, analyst] = await Promise.all([
    createStaff(['admin']),
    createStaff(['support']),
    createStaff(['operations']),
    createStaff(['analyst']),
  ]);
});

const jane = () => ({ name: 'Jane Doe', email: `jane.${newId().toLowerCase()}@example.com`, phone: '+49 170 1234567' });

it('creates a customer and shows personal data only to callers with customers:read_pii', async () => {
  const body = jane();
  const created = await asStaff(ops, 'createCustomer', { body });
  expect(created.status).toBe(201);
  expect(created.headers.etag).toBe('"1"');
  expect(created.body).toMatchObject({ name: 'Jane Doe', email: 'j***@example.com', phone: '+** *** *****67', version: 1, updatedBy: `staff:${ops}` });
  const id = created.body.id as string;
  expect((await asStaff(support, 'getCustomer', { params: { id } })).body).toMatchObject({ email: body.email, phone: body.phone });
  expect((await asStaff(admin, 'getCustomer', { params: { id } })).body.email).toBe(body.email);
  expect((await asStaff(analyst, 'getCustomer', { params: { id } })).body).toMatchObject({ email: 'j***@example.com', phone: '+** *** *****67' });
  const listed = await asStaff(analyst, 'listCustomers', { query: { limit: '100' } });
  expect(listed.body.items.find((c: { id: string }) => c.id === id)).toMatchObject({ email: 'j***@example.com' });
});

it('validates input', async () => {
  for (const body of [{ name: 'x' }, { name: 'x', email: 'not-an-email' }, { ...jane(), phone: 'call me' }, { ...jane(), vip: true }]) {
    expect({ body, status: (await asStaff(admin, 'createCustomer', { body })).status }).toEqual({ body, status: 400 });
  }
});

it('updates with If-Match (412 when stale) and removes the phone with null', async () => {
  const id = (await asStaff(admin, 'createCustomer', { body: jane() })).body.id;
  const updated = await asStaff(admin, 'updateCustomer', { params: { id }, body: { name: 'Jane Roe', phone: null }, headers: { 'if-match': '"1"' } });
  expect(updated.status).toBe(200);
  expect(updated.body).toMatchObject({ name: 'Jane Roe', version: 2 });
  expect(updated.body.phone).toBeUndefined();
  const stale = await asStaff(admin, 'updateCustomer', { params: { id }, body: { name: 'Late' }, headers: { 'if-match': '"1"' } });
  expect(stale.status).toBe(412);
  expect((await asStaff(admin, 'updateCustomer', { params: { id: newId() }, body: { name: 'Nobody' } })).status).toBe(404);
});

it('soft-deletes and restores; deleted customers are hidden unless includeDeleted (customers:write)', async () => {
  const id = (await asStaff(admin, 'createCustomer', { body: jane() })).body.id;
  expect((await asStaff(ops, 'deleteCustomer', { params: { id } })).status).toBe(204);
  expect((await asStaff(admin, 'getCustomer', { params: { id } })).status).toBe(404);
  expect((await asStaff(ops, 'deleteCustomer', { params: { id } })).status).toBe(404);
  const live = await asStaff(admin, 'listCustomers', { query: { limit: '100' } });
  expect(live.body.items.map((c: { id: string }) => c.id)).not.toContain(id);
  expect((await asStaff(analyst, 'listCustomers', { query: { includeDeleted: 'true' } })).status).toBe(403);
  let found: { deletedAt?: string } | undefined;
  let cursor: string | undefined;
  do {
    const page = await asStaff(ops, 'listCustomers', { query: { includeDeleted: 'true', limit: '100', ...(cursor ? { cursor } : {}) } });
    found = page.body.items.find((c: { id: string }) => c.id === id);
    cursor = page.body.nextCursor ?? undefined;
  } while (!found && cursor);
  expect(found).toMatchObject({ deletedAt: expect.any(String), deletedBy: `staff:${ops}` });
  const restored = await asStaff(ops, 'restoreCustomer', { params: { id } });
  expect(restored.status).toBe(200);
  expect(restored.body.deletedAt).toBeUndefined();
  expect((await asStaff(ops, 'restoreCustomer', { params: { id } })).status).toBe(409);
});

it("lists a customer's orders, newest first, within a date range", async () => {
  const productId = await productWithStock(admin, 10);
  const customerId = (await asStaff(admin, 'createCustomer', { body: jane() })).body.id;
  const first = await order(admin, [{ productId, quantity: 1 }], customerId);
  const second = await order(admin, [{ productId, quantity: 2 }], customerId);
  const listed = await asStaff(analyst, 'listCustomerOrders', { params: { id: customerId } });
  expect(listed.status).toBe(200);
  expect(listed.body.items.map((o: { id: string }) => o.id)).toEqual([second.id, first.id]);
  const paged = await asStaff(analyst, 'listCustomerOrders', { params: { id: customerId }, query: { limit: '1' } });
  expect(paged.body.items.map((o: { id: string }) => o.id)).toEqual([second.id]);
  const rest = await asStaff(analyst, 'listCustomerOrders', { params: { id: customerId }, query: { limit: '1', cursor: paged.body.nextCursor } });
  expect(rest.body.items.map((o: { id: string }) => o.id)).toEqual([first.id]);
  const none = await asStaff(analyst, 'listCustomerOrders', { params: { id: customerId }, query: { to: '2000-01-01' } });
  expect(none.body.items).toEqual([]);
  const sinceFirst = await asStaff(analyst, 'listCustomerOrders', { params: { id: customerId }, query: { from: first.createdAt, to: first.createdAt } });
  expect(sinceFirst.body.items.map((o: { id: string }) => o.id)).toEqual([first.id]);
});
