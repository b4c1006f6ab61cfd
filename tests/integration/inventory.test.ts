import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../../functions/shared/db';
import { newId } from '../../functions/shared/ids';
import { productKeys } from '../../functions/shared/keys';
import { asPartner, asStaff, eur, productWithStock, stockOf } from '../support/commerce';
import { createStaff } from '../support/staff';

/** Inventory: stock counters on the product, adjustments with a reason, never negative. */
let admin: string;
let analyst: string;
let ops: string;

beforeAll(async () => {
  [admin, analyst, ops] = await Promise.all([createStaff(['admin']), createStaff(['analyst']), createStaff(['operations'])]);
});

describe('stock adjustments', () => {
  it('starts a new product at zero and reports the exact stock after each adjustment', async () => {
    const id = await productWithStock(admin, 0);
    expect(await stockOf(admin, id)).toEqual({ onHand: 0, reserved: 0, available: 0 });
    const added = await asStaff(ops, 'adjustStock', { params: { id }, body: { delta: 12, reason: 'Goods received' } });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      id: expect.any(String),
      productId: id,
      delta: 12,
      reason: 'Goods received',
      stock: { onHand: 12, reserved: 0, available: 12 },
      createdBy: `staff:${ops}`,
    });
    const removed = await asStaff(ops, 'adjustStock', { params: { id }, body: { delta: -5, reason: 'Damaged in storage' } });
    expect(removed.body.stock).toEqual({ onHand: 7, reserved: 0, available: 7 });
    expect(await stockOf(admin, id)).toEqual({ onHand: 7, reserved: 0, available: 7 });
  });

  it('never takes stock below zero (409 naming the product) and changes nothing then', async () => {
    const id = await productWithStock(admin, 3);
    const sku = (await asStaff(admin, 'getProduct', { params: { id } })).body.sku as string;
    const refused = await asStaff(ops, 'adjustStock', { params: { id }, body: { delta: -4, reason: 'Count' } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: expect.stringContaining('insufficient-stock'), detail: expect.stringContaining(sku) });
    expect(await stockOf(admin, id)).toEqual({ onHand: 3, reserved: 0, available: 3 });
  });

  it('cannot write off reserved units', async () => {
    const id = await productWithStock(admin, 5);
    const customerId = (await asStaff(admin, 'createCustomer', { body: { name: 'R', email: 'r@example.com' } })).body.id;
    expect((await asStaff(admin, 'createOrder', { body: { customerId, lines: [{ productId: id, quantity: 4 }] } })).status).toBe(201);
    expect((await asStaff(ops, 'adjustStock', { params: { id }, body: { delta: -2, reason: 'Count' } })).status).toBe(409);
    const ok = await asStaff(ops, 'adjustStock', { params: { id }, body: { delta: -1, reason: 'Count' } });
    expect(ok.body.stock).toEqual({ onHand: 4, reserved: 4, available: 0 });
  });

  it('leaves the product version alone, so an If-Match read before stock moved still works', async () => {
    const id = await productWithStock(admin, 0);
    const before = await asStaff(admin, 'getProduct', { params: { id } });
    await asStaff(ops, 'adjustStock', { params: { id }, body: { delta: 8, reason: 'Goods received' } });
    const after = await asStaff(admin, 'getProduct', { params: { id } });
    expect(after.body.version).toBe(before.body.version);
    expect(after.body.updatedBy).toBe(`staff:${ops}`);
    const patched = await asStaff(admin, 'updateProduct', { params: { id }, body: { name: 'Renamed' }, headers: { 'if-match': `"${before.body.version}"` } });
    expect(patched.status).toBe(200);
    expect(patched.body.stock).toEqual({ onHand: 8, reserved: 0, available: 8 });
  });

  it('validates the body: a whole, non-zero delta and a reason', async () => {
    const id = await productWithStock(admin, 0);
    for (const body of [{ delta: 0, reason: 'x' }, { delta: 1.5, reason: 'x' }, { delta: 3 }, { delta: 3, reason: ' ' }, { delta: 3, reason: 'x', onHand: 9 }]) {
      expect({ body, status: (await asStaff(ops, 'adjustStock', { params: { id }, body })).status }).toEqual({ body, status: 400 });
    }
  });

  it('answers 404 for unknown and deleted products', async () => {
    expect((await asStaff(ops, 'adjustStock', { params: { id: newId() }, body: { delta: 1, reason: 'x' } })).status).toBe(404);
    const id = await productWithStock(admin, 0);
    expect((await asStaff(admin, 'deleteProduct', { params: { id } })).status).toBe(204);
    expect((await asStaff(ops, 'adjustStock', { params: { id }, body: { delta: 1, reason: 'x' } })).status).toBe(404);
  });

  it('lists a product’s adjustments newest first, page by page', async () => {
    const id = await productWithStock(admin, 0);
    for (const delta of [5, 3, -2]) await asStaff(ops, 'adjustStock', { params: { id }, body: { delta, reason: `by ${delta}` } });
    const first = await asStaff(ops, 'listStockAdjustments', { params: { id }, query: { limit: '2' } });
    expect(first.status).toBe(200);
    expect(first.body.items.map((a: { delta: number }) => a.delta)).toEqual([-2, 3]);
    const second = await asStaff(ops, 'listStockAdjustments', { params: { id }, query: { limit: '2', cursor: first.body.nextCursor } });
    expect(second.body.items.map((a: { delta: number }) => a.delta)).toEqual([5]);
    expect(second.body.items[0].stock).toEqual({ onHand: 5, reserved: 0, available: 5 });
  });

  it('needs inventory permissions', async () => {
    const id = await productWithStock(admin, 0);
    expect((await asStaff(analyst, 'adjustStock', { params: { id }, body: { delta: 1, reason: 'x' } })).status).toBe(403);
    expect((await asStaff(analyst, 'listStockAdjustments', { params: { id } })).status).toBe(403);
  });

  it('adjusts products created before stock counters had `available` (a missing value counts as zero)', async () => {
    const id = await productWithStock(admin, 0);
    await documentClient.send(new UpdateCommand({ TableName: tableName(), Key: productKeys.byId(id), UpdateExpression: 'REMOVE available' }));
    expect(await stockOf(admin, id)).toEqual({ onHand: 0, reserved: 0, available: 0 });
    const added = await asStaff(ops, 'adjustStock', { params: { id }, body: { delta: 4, reason: 'Goods received' } });
    expect(added.body.stock).toEqual({ onHand: 4, reserved: 0, available: 4 });
    expect((await asStaff(admin, 'getProduct', { params: { id } })).body.stock).toEqual({ onHand: 4, reserved: 0, available: 4 });
  });
});

it('shows partners the available stock', async () => {
  const id = await productWithStock(admin, 6, eur(2_500));
  const seen: Array<{ id: string; available: number }> = [];
  let cursor: string | undefined;
  do {
    const page = await asPartner(newId(), 'partnerListProducts', { query: { limit: '100', ...(cursor ? { cursor } : {}) } });
    seen.push(...page.body.items);
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor && !seen.some((p) => p.id === id));
  expect(seen.find((p) => p.id === id)).toMatchObject({ available: 6, price: eur(2_500) });
});
