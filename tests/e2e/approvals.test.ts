import { randomUUID } from 'node:crypto';
import { adminToken, api, credentials, type ApiReply } from '../support/e2e-client';

/**
 * Approvals over HTTP through the local runtime (`npm start`): the state machine synthesized from
 * the stack runs on the local Step Functions endpoint; handlers reach it with the real SFN client.
 */
const ADMIN = 'admin@example.com';
const ADMIN2 = 'admin2@example.com';
const OPS = 'ops@example.com';
const FINANCE = 'finance@example.com';
const FINANCE2 = 'finance2@example.com';

function http(method: string, path: string, as = ADMIN, body?: unknown, headers?: Record<string, string>): Promise<ApiReply> {
  return api(method, `/admin/v1${path}`, { token: adminToken(as), ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });
}

async function eventually(read: () => Promise<ApiReply>, check: (reply: ApiReply) => boolean, timeoutMs = 15_000): Promise<ApiReply> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const reply = await read();
    if (check(reply) || Date.now() > until) return reply;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const approval = (id: string) => http('GET', `/approvals/${id}`);
const stepOpen = (id: string, index = 0) => eventually(() => approval(id), (r) => r.body?.steps?.[index]?.status === 'open');
const staffId = (email: string) => credentials().staff[email]!.id;

async function product(price: number): Promise<string> {
  const created = await http('POST', '/products', ADMIN, { sku: `APR-${randomUUID().slice(0, 8)}`, name: 'Approval e2e', price: eur(price), status: 'active' });
  expect(created.status).toBe(201);
  return created.body.id;
}

async function member(roles: string[]): Promise<string> {
  const created = await http('POST', '/staff', ADMIN, { email: `apr-${randomUUID().slice(0, 8)}@example.com`, name: 'Approval e2e', roles });
  expect(created.status).toBe(201);
  return created.body.id;
}

describe('a price change above 20 %', () => {
  it('answers 202, waits in the admins’ inbox, refuses the requester, and applies once when another admin approves', async () => {
    const id = await product(10_000);
    const patched = await http('PATCH', `/products/${id}`, ADMIN, { price: eur(15_000) });
    expect(patched.status).toBe(202);
    expect(patched.headers.get('location')).toBe(`/admin/v1/approvals/${patched.body.approval.id}`);
    const approvalId: string = patched.body.approval.id;
    expect(patched.body.approval).toMatchObject({ kind: 'price_change', status: 'pending', requestedBy: `staff:${staffId(ADMIN)}` });

    await stepOpen(approvalId);
    const inbox = await eventually(() => http('GET', '/approvals?mine=true', ADMIN2), (r) => r.body.items.some((a: { id: string }) => a.id === approvalId));
    expect(inbox.body.items.find((a: { id: string }) => a.id === approvalId)).toMatchObject({ steps: [{ role: 'admin', status: 'open' }] });
    expect((await http('GET', '/approvals?mine=true', FINANCE)).body.items.some((a: { id: string }) => a.id === approvalId)).toBe(false);

    const own = await http('POST', `/approvals/${approvalId}/approve`, ADMIN, {});
    expect(own.status).toBe(403);
    expect(own.headers.get('content-type')).toBe('application/problem+json');
    expect((await http('POST', `/approvals/${approvalId}/approve`, OPS, {})).status).toBe(403);
    expect((await http('GET', `/products/${id}`)).body.price).toEqual(eur(10_000));

    const approved = await http('POST', `/approvals/${approvalId}/approve`, ADMIN2, { comment: 'Agreed with sales' });
    expect(approved.status).toBe(200);
    expect(approved.body.steps[0]).toMatchObject({ status: 'approved', decidedBy: `staff:${staffId(ADMIN2)}`, comment: 'Agreed with sales' });
    expect((await http('POST', `/approvals/${approvalId}/approve`, ADMIN2, {})).status).toBe(409);

    const applied = await eventually(() => approval(approvalId), (r) => Boolean(r.body.appliedAt));
    expect(applied.body).toMatchObject({ status: 'approved', appliedAt: expect.any(String) });
    const after = await http('GET', `/products/${id}`);
    expect(after.body.price).toEqual(eur(15_000));
    expect(after.body.pendingPriceChange).toBeUndefined();
    // created (1), marked pending (2), price applied once (3)
    expect(after.body.version).toBe(3);
  });

  it('rejected, leaves the product unchanged', async () => {
    const id = await product(10_000);
    const approvalId: string = (await http('PATCH', `/products/${id}`, ADMIN, { price: eur(2_000) })).body.approval.id;
    await stepOpen(approvalId);
    const rejected = await http('POST', `/approvals/${approvalId}/reject`, ADMIN2, { comment: 'Too steep' });
    expect(rejected.body).toMatchObject({ status: 'rejected', steps: [{ status: 'rejected', comment: 'Too steep' }] });
    await eventually(() => approval(approvalId), (r) => Boolean(r.body.revertedAt));
    const after = await http('GET', `/products/${id}`);
    expect(after.body.price).toEqual(eur(10_000));
    expect(after.body.pendingPriceChange).toBeUndefined();
  });

  it('of 20 % or less applies at once', async () => {
    const id = await product(10_000);
    const patched = await http('PATCH', `/products/${id}`, ADMIN, { price: eur(11_900) });
    expect(patched.status).toBe(200);
    expect(patched.body.price).toEqual(eur(11_900));
  });
});

describe('a decision right after the 202', () => {
  it('counts for every one of 10 concurrent price changes: 200, applied once each', async () => {
    const rounds = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const id = await product(10_000);
        const patched = await http('PATCH', `/products/${id}`, ADMIN, { price: eur(14_000) });
        expect(patched.status).toBe(202);
        expect(patched.body.approval.steps[0]).toMatchObject({ role: 'admin', status: 'open' });
        const approved = await http('POST', `/approvals/${patched.body.approval.id}/approve`, ADMIN2, {});
        return { id, approvalId: patched.body.approval.id as string, approved };
      }),
    );
    expect(rounds.map((r) => r.approved.status)).toEqual(rounds.map(() => 200));
    for (const { id, approvalId } of rounds) {
      await eventually(() => approval(approvalId), (r) => Boolean(r.body.appliedAt), 60_000);
      const after = await http('GET', `/products/${id}`);
      expect(after.body).toMatchObject({ price: eur(14_000), version: 3 });
    }
  }, 120_000);
});

describe('a stock write-off of 100 units or more', () => {
  it('holds the units, waits for operations, then writes them off once', async () => {
    const id = await product(1_000);
    expect((await http('POST', `/products/${id}/stock-adjustments`, ADMIN, { delta: 300, reason: 'Delivery' })).status).toBe(201);
    const writeOff = await http('POST', `/products/${id}/stock-adjustments`, ADMIN, { delta: -120, reason: 'Flood damage' });
    expect(writeOff.status).toBe(202);
    const approvalId: string = writeOff.body.approval.id;
    expect((await http('GET', `/products/${id}`)).body.stock).toEqual({ onHand: 300, reserved: 120, available: 180 });
    await stepOpen(approvalId);
    expect((await http('GET', '/approvals?mine=true', OPS)).body.items.some((a: { id: string }) => a.id === approvalId)).toBe(true);
    expect((await http('POST', `/approvals/${approvalId}/approve`, OPS, { comment: 'Seen the photos' })).status).toBe(200);
    await eventually(() => approval(approvalId), (r) => Boolean(r.body.appliedAt));
    expect((await http('GET', `/products/${id}`)).body.stock).toEqual({ onHand: 180, reserved: 0, available: 180 });
    const adjustments = await http('GET', `/products/${id}/stock-adjustments`);
    expect(adjustments.body.items.filter((a: { delta: number }) => a.delta === -120)).toHaveLength(1);
  });
});

describe('refunds', () => {
  /** A paid order of `total` minor units, through the API. */
  async function paidOrder(total: number): Promise<string> {
    const productId = await product(total);
    expect((await http('POST', `/products/${productId}/stock-adjustments`, ADMIN, { delta: 5, reason: 'Goods received' })).status).toBe(201);
    const customer = await http('POST', '/customers', ADMIN, { name: 'Refund e2e', email: `refund-${randomUUID().slice(0, 8)}@example.com` });
    expect(customer.status).toBe(201);
    const order = await http('POST', '/orders', ADMIN, { customerId: customer.body.id, lines: [{ productId, quantity: 1 }] });
    expect(order.status).toBe(201);
    expect((await http('POST', `/orders/${order.body.id}/payments`, ADMIN, { amount: order.body.total, method: 'card' })).status).toBe(201);
    return order.body.id;
  }
  const refund = (orderId: string, amount: number) => http('POST', `/orders/${orderId}/refunds`, FINANCE, { amount: eur(amount), reason: 'Customer complaint' });
  const orderOf = async (id: string) => (await http('GET', `/orders/${id}`)).body;
  async function ledgerBalances() {
    const trial = await http('GET', '/ledger/trial-balance?currency=EUR', FINANCE);
    expect(trial.status).toBe(200);
    expect(trial.body.totals.debit).toBe(trial.body.totals.credit);
  }

  it('of 50.00 executes at once', async () => {
    const id = await paidOrder(20_000);
    const done = await refund(id, 5_000);
    expect(done.status).toBe(201);
    expect((await orderOf(id)).refunded).toEqual(eur(5_000));
    await ledgerBalances();
  });

  it('of 500.00 answers 202, waits in finance’s inbox, refuses the requester, and executes once when another finance member approves', async () => {
    const id = await paidOrder(80_000);
    const held = await refund(id, 50_000);
    expect(held.status).toBe(202);
    const approvalId: string = held.body.approval.id;
    expect((await orderOf(id)).refunded).toEqual(eur(0));
    await stepOpen(approvalId);
    const inbox = await http('GET', '/approvals?mine=true', FINANCE2);
    expect(inbox.body.items.some((a: { id: string }) => a.id === approvalId)).toBe(true);
    expect((await http('POST', `/approvals/${approvalId}/approve`, FINANCE, {})).status).toBe(403);
    expect((await http('POST', `/approvals/${approvalId}/approve`, FINANCE2, { comment: 'Checked the order' })).status).toBe(200);
    await eventually(() => approval(approvalId), (r) => Boolean(r.body.appliedAt));
    expect(await orderOf(id)).toMatchObject({ refunded: eur(50_000), refundable: eur(30_000) });
    await ledgerBalances();
  });

  it('of 5,000.00 needs finance then admin', async () => {
    const id = await paidOrder(600_000);
    const approvalId: string = (await refund(id, 500_000)).body.approval.id;
    expect((await approval(approvalId)).body.steps.map((s: { role: string }) => s.role)).toEqual(['finance', 'admin']);
    await stepOpen(approvalId, 0);
    expect((await http('POST', `/approvals/${approvalId}/approve`, FINANCE2, {})).body.status).toBe('pending');
    await stepOpen(approvalId, 1);
    expect((await http('POST', `/approvals/${approvalId}/approve`, FINANCE2, {})).status).toBe(403);
    expect((await http('POST', `/approvals/${approvalId}/approve`, ADMIN, {})).body.status).toBe('approved');
    await eventually(() => approval(approvalId), (r) => Boolean(r.body.appliedAt));
    expect((await orderOf(id)).refunded).toEqual(eur(500_000));
    await ledgerBalances();
  });

  it('rejected, leaves the order and its ledger entries unchanged', async () => {
    const id = await paidOrder(80_000);
    const before = await orderOf(id);
    const approvalId: string = (await refund(id, 40_000)).body.approval.id;
    await stepOpen(approvalId);
    expect((await http('POST', `/approvals/${approvalId}/reject`, FINANCE2, { comment: 'No proof' })).body.status).toBe('rejected');
    await eventually(() => approval(approvalId), (r) => Boolean(r.body.revertedAt));
    expect(await orderOf(id)).toEqual(before);
    const entries = await http('GET', '/ledger/accounts/4100/entries?limit=100', FINANCE);
    expect(entries.body.items.filter((e: { orderId: string }) => e.orderId === id)).toEqual([]);
    await ledgerBalances();
  });
});

describe('granting admin', () => {
  it('answers 202 and grants the role once another admin approves', async () => {
    const id = await member(['support']);
    const put = await http('PUT', `/staff/${id}/roles`, ADMIN, { roles: ['support', 'admin'] });
    expect(put.status).toBe(202);
    const approvalId: string = put.body.approval.id;
    expect((await http('GET', `/staff/${id}`)).body).toMatchObject({ roles: ['support'], pendingRoleChange: { approvalId } });
    await stepOpen(approvalId);
    expect((await http('POST', `/approvals/${approvalId}/approve`, ADMIN, {})).status).toBe(403);
    expect((await http('POST', `/approvals/${approvalId}/approve`, ADMIN2, {})).status).toBe(200);
    const granted = await eventually(() => http('GET', `/staff/${id}`), (r) => r.body.roles.includes('admin'));
    expect(granted.body.roles).toEqual(['support', 'admin']);
    expect(granted.body.pendingRoleChange).toBeUndefined();
  });
});

describe('approval policies and step timeouts', () => {
  let version: number;
  let defaults: Record<string, unknown>;
  beforeAll(async () => {
    const current = await http('GET', '/approval-policies');
    expect(current.status).toBe(200);
    version = current.body.version;
    defaults = current.body.kinds;
  });
  afterAll(async () => {
    const restored = await http('PUT', '/approval-policies', ADMIN, { kinds: defaults }, { 'if-match': `"${version}"` });
    expect(restored.status).toBe(200);
  });

  async function setPolicy(kinds: Record<string, unknown>) {
    const put = await http('PUT', '/approval-policies', ADMIN, { kinds: { ...defaults, ...kinds } }, { 'if-match': `"${version}"` });
    expect(put.status).toBe(200);
    version = put.body.version;
  }

  it('refuses an unknown role (400) and a stale version (412)', async () => {
    const unknown = await http('PUT', '/approval-policies', ADMIN, { kinds: { ...defaults, price_change: { rules: [{ above: 20, steps: [{ role: 'ceo', timeoutSeconds: 60, onTimeout: 'reject' }] }] } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].path).toBe('body.kinds.price_change.rules.0.steps.0.role');
    const stale = await http('PUT', '/approval-policies', ADMIN, { kinds: defaults }, { 'if-match': `"${version + 7}"` });
    expect(stale.status).toBe(412);
  });

  it('a step that times out escalates to the role the policy names', async () => {
    await setPolicy({ price_change: { rules: [{ above: 20, steps: [{ role: 'admin', timeoutSeconds: 2, onTimeout: { escalateTo: 'operations' } }] }] } });
    const id = await product(10_000);
    const approvalId: string = (await http('PATCH', `/products/${id}`, ADMIN, { price: eur(13_000) })).body.approval.id;
    const escalated = await stepOpen(approvalId, 1);
    expect(escalated.body.steps).toEqual([
      expect.objectContaining({ role: 'admin', status: 'escalated' }),
      expect.objectContaining({ role: 'operations', status: 'open', escalatedFrom: 0 }),
    ]);
    expect((await http('POST', `/approvals/${approvalId}/approve`, OPS, {})).status).toBe(200);
    const after = await eventually(() => http('GET', `/products/${id}`), (r) => r.body.price.amount === 13_000);
    expect(after.body.price).toEqual(eur(13_000));
  });

  it('a step that times out without escalation expires the approval and leaves the subject unchanged', async () => {
    await setPolicy({ admin_role_grant: { rules: [{ steps: [{ role: 'admin', timeoutSeconds: 2, onTimeout: 'reject' }] }] } });
    const id = await member(['editor']);
    const approvalId: string = (await http('PUT', `/staff/${id}/roles`, ADMIN, { roles: ['admin'] })).body.approval.id;
    const expired = await eventually(() => approval(approvalId), (r) => Boolean(r.body.revertedAt));
    expect(expired.body).toMatchObject({ status: 'expired', steps: [{ role: 'admin', status: 'expired' }] });
    expect((await http('POST', `/approvals/${approvalId}/approve`, ADMIN2, {})).status).toBe(409);
    const after = await http('GET', `/staff/${id}`);
    expect(after.body.roles).toEqual(['editor']);
    expect(after.body.pendingRoleChange).toBeUndefined();
  });
});
