import { findApproval } from '../../functions/approvals/approval-repository';
import { DEFAULT_POLICY } from '../../functions/approval-kinds';
import { handler as approvalsHandler } from '../../functions/approvals/handler';
import { approvalRoutes } from '../../functions/approvals/routes';
import { handler as catalogHandler } from '../../functions/catalog/handler';
import { handler as financeHandler } from '../../functions/finance/handler';
import { financeRoutes } from '../../functions/finance/routes';
import { handler as ordersHandler } from '../../functions/orders/handler';
import { ordersRoutes } from '../../functions/orders/routes';
import { catalogRoutes } from '../../functions/catalog/routes';
import { handler as iamHandler } from '../../functions/iam/handler';
import { iamRoutes } from '../../functions/iam/routes';
import { advanceClock } from '../../functions/shared/clock';
import { newId } from '../../functions/shared/ids';
import type { RouteSpec } from '../../functions/shared/http/route';
import { SINGLE_TABLE } from '../../functions/shared/schema/tables';
import { ensureTable, localDynamoClient } from '../../local/dynamodb';
import { adminEvent, lambdaContext, parse, routeById } from '../support/lambda-events';
import { eventually, startTestApprovals } from '../support/local-approvals';
import { createStaff } from '../support/staff';

/**
 * Approval rules against DynamoDB Local and the local state machine: four eyes, role checks,
 * repeated and late decisions, timeouts (on the controllable clock), and both kinds built here.
 * This file works on a table of its own, because it changes the (global) approval policy.
 */
jest.setTimeout(60_000);

type Handler = (event: never, context: never) => Promise<unknown>;
const caller = (handler: Handler, routes: readonly RouteSpec[]) => async (operationId: string, options: Parameters<typeof adminEvent>[1] = {}) =>
  parse((await handler(adminEvent(routeById(routes, operationId), options) as never, lambdaContext() as never)) as never);
const approvals = caller(approvalsHandler as Handler, approvalRoutes);
const catalog = caller(catalogHandler as Handler, catalogRoutes);
const iam = caller(iamHandler as Handler, iamRoutes);
const orders = caller(ordersHandler as Handler, ordersRoutes);
const financeApi = caller(financeHandler as Handler, financeRoutes);

let sfn: Awaited<ReturnType<typeof startTestApprovals>>;
let requester: string;
let admin2: string;
let admin3: string;
let finance: string;
let finance2: string;
let operations: string;

const DAY = 24 * 3600;
const eur = (amount: number) => ({ amount, currency: 'EUR' });

beforeAll(async () => {
  process.env.TABLE_NAME = `Backoffice-approvals-${newId().slice(-8)}`;
  const client = localDynamoClient(process.env.AWS_ENDPOINT_URL_DYNAMODB!);
  await ensureTable(client, SINGLE_TABLE, process.env.TABLE_NAME);
  client.destroy();
  sfn = await startTestApprovals();
  [requester, admin2, admin3, finance, finance2, operations] = await Promise.all([
    createStaff(['admin']),
    createStaff(['admin']),
    createStaff(['admin']),
    createStaff(['finance']),
    createStaff(['finance']),
    createStaff(['operations']),
  ]);
});
afterAll(() => sfn?.dispose());

let policyVersion = 0;
async function setPolicy(kinds: Partial<typeof DEFAULT_POLICY.kinds>) {
  const res = await approvals('putApprovalPolicy', { staffId: requester, body: { kinds: { ...DEFAULT_POLICY.kinds, ...kinds } }, headers: { 'if-match': `"${policyVersion}"` } });
  expect(res.status).toBe(200);
  policyVersion = res.body.version;
}

async function product(price = 10_000) {
  const res = await catalog('createProduct', { staffId: requester, body: { sku: `AP-${newId()}`, name: 'Approved thing', price: eur(price), status: 'active' } });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const getApproval = (id: string) => approvals('getApproval', { staffId: requester, params: { id } });
const getProduct = (id: string) => catalog('getProduct', { staffId: requester, params: { id } });
const decide = (id: string, staffId: string, decision: 'approve' | 'reject', comment?: string) =>
  approvals(decision === 'approve' ? 'approveApproval' : 'rejectApproval', { staffId, params: { id }, body: comment ? { comment } : {} });
/**
 * Waits until the workflow waits at step `index` (its task token is stored), so the decision is
 * handed over by the decide route. A step is open, and decidable, before that: see
 * approvals-decide-at-once.test.ts.
 */
async function stepOpen(id: string, index = 0) {
  await eventually(() => findApproval(id), (r) => Boolean(r?.taskToken) && r?.steps[index]?.status === 'open');
  return getApproval(id);
}

async function requestPriceChange(productId: string, amount: number, staffId = requester) {
  const res = await catalog('updateProduct', { staffId, params: { id: productId }, body: { price: eur(amount) } });
  expect(res.status).toBe(202);
  return res.body.approval.id as string;
}

describe('approval policies', () => {
  it('serves the defaults as version 0, validates roles, kinds and thresholds, and versions changes', async () => {
    const current = await approvals('getApprovalPolicy', { staffId: finance });
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ version: 0, kinds: DEFAULT_POLICY.kinds });
    expect(current.headers.etag).toBe('"0"');

    const unknownRole = await approvals('putApprovalPolicy', {
      staffId: requester,
      body: { kinds: { ...DEFAULT_POLICY.kinds, price_change: { rules: [{ above: 20, steps: [{ role: 'pricing-board', timeoutSeconds: 60, onTimeout: 'reject' }] }] } } },
    });
    expect(unknownRole.status).toBe(400);
    expect(unknownRole.body.errors).toEqual([{ path: 'body.kinds.price_change.rules.0.steps.0.role', message: 'Unknown role pricing-board' }]);

    const unknownKind = await approvals('putApprovalPolicy', { staffId: requester, body: { kinds: { ...DEFAULT_POLICY.kinds, rocket_launch: { rules: [] } } } });
    expect(unknownKind.status).toBe(400);
    expect(unknownKind.body.errors[0].path).toBe('body.kinds.rocket_launch');

    const threshold = await approvals('putApprovalPolicy', {
      staffId: requester,
      body: { kinds: { ...DEFAULT_POLICY.kinds, admin_role_grant: { rules: [{ above: 3, steps: [{ role: 'admin', timeoutSeconds: 60, onTimeout: 'reject' }] }] } } },
    });
    expect(threshold.status).toBe(400);

    expect((await approvals('putApprovalPolicy', { staffId: finance, body: { kinds: DEFAULT_POLICY.kinds } })).status).toBe(403);
    await setPolicy({});
    expect(policyVersion).toBe(1);
    const stale = await approvals('putApprovalPolicy', { staffId: requester, body: { kinds: DEFAULT_POLICY.kinds }, headers: { 'if-match': '"0"' } });
    expect(stale.status).toBe(412);
  });
});

describe('a price change', () => {
  it('of 20 % or less applies at once', async () => {
    const id = await product(10_000);
    const res = await catalog('updateProduct', { staffId: requester, params: { id }, body: { price: eur(12_000) } });
    expect(res.status).toBe(200);
    expect(res.body.price).toEqual(eur(12_000));
  });

  it('above 20 % waits for another admin: 202, inbox, four eyes, applied once, a repeat is 409', async () => {
    const id = await product(10_000);
    const combined = await catalog('updateProduct', { staffId: requester, params: { id }, body: { price: eur(13_000), name: 'x' } });
    expect(combined.status).toBe(400);

    const approvalId = await requestPriceChange(id, 13_000);
    const marked = await getProduct(id);
    expect(marked.body.price).toEqual(eur(10_000));
    expect(marked.body.pendingPriceChange).toEqual({ approvalId, price: eur(13_000) });
    expect((await catalog('updateProduct', { staffId: requester, params: { id }, body: { price: eur(10_500) } })).status).toBe(409);

    const opened = await stepOpen(approvalId);
    expect(opened.body).toMatchObject({ kind: 'price_change', status: 'pending', requestedBy: `staff:${requester}`, subject: { productId: id, from: eur(10_000), to: eur(13_000) } });
    expect(opened.body.steps).toEqual([expect.objectContaining({ role: 'admin', status: 'open', dueAt: expect.any(String) })]);
    expect(JSON.stringify(opened.body)).not.toContain('taskToken');

    const inbox = await approvals('listApprovals', { staffId: admin2, query: { mine: 'true' } });
    expect(inbox.body.items.map((a: { id: string }) => a.id)).toContain(approvalId);
    const financeInbox = await approvals('listApprovals', { staffId: finance, query: { mine: 'true' } });
    expect(financeInbox.body.items.map((a: { id: string }) => a.id)).not.toContain(approvalId);

    expect((await decide(approvalId, requester, 'approve')).status).toBe(403);
    expect((await decide(approvalId, finance, 'approve')).status).toBe(403);
    const approved = await decide(approvalId, admin2, 'approve', 'Fine by me');
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect(approved.body.steps[0]).toMatchObject({ status: 'approved', decidedBy: `staff:${admin2}`, comment: 'Fine by me', decidedAt: expect.any(String) });
    expect((await decide(approvalId, admin2, 'approve')).status).toBe(409);
    expect((await decide(approvalId, admin3, 'reject')).status).toBe(409);

    const applied = await eventually(() => getApproval(approvalId), (r) => Boolean(r.body.appliedAt));
    expect(applied.body.appliedAt).toEqual(expect.any(String));
    const changed = await getProduct(id);
    expect(changed.body.price).toEqual(eur(13_000));
    expect(changed.body.pendingPriceChange).toBeUndefined();
    expect(changed.body.version).toBe(marked.body.version + 1);
    const listed = await approvals('listApprovals', { staffId: requester, query: { status: 'approved', kind: 'price_change' } });
    expect(listed.body.items.map((a: { id: string }) => a.id)).toContain(approvalId);
  });

  it('rejected leaves the product as it was', async () => {
    const id = await product(10_000);
    const approvalId = await requestPriceChange(id, 5_000);
    await stepOpen(approvalId);
    const rejected = await decide(approvalId, admin2, 'reject', 'Too cheap');
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', steps: [{ status: 'rejected', comment: 'Too cheap' }] });
    await eventually(() => getApproval(approvalId), (r) => Boolean(r.body.revertedAt));
    const after = await getProduct(id);
    expect(after.body.price).toEqual(eur(10_000));
    expect(after.body.pendingPriceChange).toBeUndefined();
    expect((await catalog('updateProduct', { staffId: requester, params: { id }, body: { price: eur(10_100) } })).status).toBe(200);
  });

  it('with two steps needs two different deciders, neither of them the requester', async () => {
    const admin = { role: 'admin', timeoutSeconds: DAY, onTimeout: 'reject' as const };
    await setPolicy({ price_change: { rules: [{ above: 20, steps: [admin, admin] }] } });
    try {
      const id = await product(10_000);
      const approvalId = await requestPriceChange(id, 20_000);
      await stepOpen(approvalId, 0);
      expect((await decide(approvalId, admin2, 'approve')).body.status).toBe('pending');
      expect((await decide(approvalId, admin2, 'approve')).status).toBe(403);
      await stepOpen(approvalId, 1);
      expect((await decide(approvalId, admin2, 'approve')).status).toBe(403);
      expect((await decide(approvalId, requester, 'approve')).status).toBe(403);
      const done = await decide(approvalId, admin3, 'approve');
      expect(done.body.status).toBe('approved');
      await eventually(() => getProduct(id), (r) => r.body.price.amount === 20_000);
      expect((await getProduct(id)).body.price).toEqual(eur(20_000));
    } finally {
      await setPolicy({});
    }
  });

  it('escalates on timeout when the policy says so, and expires otherwise (controllable clock)', async () => {
    await setPolicy({ price_change: { rules: [{ above: 20, steps: [{ role: 'admin', timeoutSeconds: 3600, onTimeout: { escalateTo: 'operations' } }] }] } });
    let escalatedId: string;
    try {
      const id = await product(10_000);
      escalatedId = await requestPriceChange(id, 15_000);
      await stepOpen(escalatedId, 0);
      advanceClock(3601 * 1000);
      const escalated = await stepOpen(escalatedId, 1);
      expect(escalated.body.steps).toEqual([
        expect.objectContaining({ role: 'admin', status: 'escalated' }),
        expect.objectContaining({ role: 'operations', status: 'open', escalatedFrom: 0, onTimeout: 'reject' }),
      ]);
      expect((await decide(escalatedId, operations, 'approve')).body.status).toBe('approved');
      await eventually(() => getProduct(id), (r) => r.body.price.amount === 15_000);
      expect((await getProduct(id)).body.price).toEqual(eur(15_000));

      await setPolicy({ price_change: { rules: [{ above: 20, steps: [{ role: 'admin', timeoutSeconds: 3600, onTimeout: 'reject' }] }] } });
      const other = await product(10_000);
      const expiringId = await requestPriceChange(other, 15_000);
      await stepOpen(expiringId, 0);
      advanceClock(3601 * 1000);
      const expired = await eventually(() => getApproval(expiringId), (r) => Boolean(r.body.revertedAt));
      expect(expired.body).toMatchObject({ status: 'expired', steps: [{ role: 'admin', status: 'expired' }] });
      expect((await decide(expiringId, admin2, 'approve')).status).toBe(409);
      const unchanged = await getProduct(other);
      expect(unchanged.body.price).toEqual(eur(10_000));
      expect(unchanged.body.pendingPriceChange).toBeUndefined();
    } finally {
      await setPolicy({});
    }
  });
});

describe('a stock write-off', () => {
  const adjust = (id: string, delta: number, staffId = requester) => catalog('adjustStock', { staffId, params: { id }, body: { delta, reason: 'Water damage' } });

  it('of fewer than 100 units applies at once; from 100 units it holds the units until operations decides', async () => {
    const id = await product(1_000);
    expect((await adjust(id, 500)).status).toBe(201);
    expect((await adjust(id, -50)).status).toBe(201);

    const held = await adjust(id, -150);
    expect(held.status).toBe(202);
    const approvalId = held.body.approval.id as string;
    expect(held.body.approval).toMatchObject({ kind: 'stock_write_off', subject: { units: 150 }, steps: [{ role: 'operations' }] });
    expect((await getProduct(id)).body.stock).toEqual({ onHand: 450, reserved: 150, available: 300 });
    expect((await adjust(id, -400)).status).toBe(409);

    await stepOpen(approvalId);
    expect((await decide(approvalId, finance, 'approve')).status).toBe(403);
    expect((await decide(approvalId, operations, 'approve')).status).toBe(200);
    await eventually(() => getApproval(approvalId), (r) => Boolean(r.body.appliedAt));
    expect((await getProduct(id)).body.stock).toEqual({ onHand: 300, reserved: 0, available: 300 });
    const adjustments = await catalog('listStockAdjustments', { staffId: requester, params: { id } });
    expect(adjustments.body.items[0]).toMatchObject({ delta: -150, reason: 'Water damage', stock: { onHand: 300, reserved: 0, available: 300 }, createdBy: `staff:${requester}` });

    const rejectedId = (await adjust(id, -200)).body.approval.id as string;
    await stepOpen(rejectedId);
    expect((await decide(rejectedId, operations, 'reject')).status).toBe(200);
    await eventually(() => getApproval(rejectedId), (r) => Boolean(r.body.revertedAt));
    expect((await getProduct(id)).body.stock).toEqual({ onHand: 300, reserved: 0, available: 300 });
  });
});

describe('a refund', () => {
  /** A paid order of `total` minor units. */
  async function paidOrder(total: number) {
    const productId = await product(total);
    expect((await catalog('adjustStock', { staffId: requester, params: { id: productId }, body: { delta: 5, reason: 'Goods received' } })).status).toBe(201);
    const customer = await orders('createCustomer', { staffId: requester, body: { name: 'Refund test', email: `${newId().toLowerCase()}@approvals.example.com` } });
    const placed = await orders('createOrder', { staffId: requester, body: { customerId: customer.body.id, lines: [{ productId, quantity: 1 }] } });
    expect(placed.status).toBe(201);
    expect((await financeApi('createPayment', { staffId: requester, params: { id: placed.body.id }, body: { amount: placed.body.total, method: 'card' } })).status).toBe(201);
    return placed.body.id as string;
  }
  const refund = (orderId: string, amount: number, staffId = finance) =>
    financeApi('createRefund', { staffId, params: { id: orderId }, body: { amount: eur(amount), reason: 'Customer complaint' } });
  const orderOf = async (id: string) => (await orders('getOrder', { staffId: requester, params: { id } })).body;
  const trialBalance = async () => (await financeApi('getTrialBalance', { staffId: finance, query: { currency: 'EUR' } })).body;

  it('up to 100.00 executes at once', async () => {
    const id = await paidOrder(20_000);
    const res = await refund(id, 5_000);
    expect(res.status).toBe(201);
    expect((await orderOf(id)).refunded).toEqual(eur(5_000));
  });

  it('follows a policy change at once, although the policy is read once per container', async () => {
    const id = await paidOrder(20_000);
    expect((await refund(id, 2_000)).status).toBe(201);
    // The next refund is decided on the cached policy; its transaction checks that policy's version,
    // loses, and the refund is decided again on the new policy.
    await setPolicy({ refund: { rules: [{ above: 1_000, steps: DEFAULT_POLICY.kinds.refund.rules[0]!.steps }] } });
    try {
      const held = await refund(id, 2_000);
      expect(held.status).toBe(202);
      expect((await orderOf(id)).refunded).toEqual(eur(2_000));
    } finally {
      await setPolicy({ refund: DEFAULT_POLICY.kinds.refund });
    }
    expect((await refund(id, 2_000)).status).toBe(201);
    expect((await orderOf(id)).refunded).toEqual(eur(4_000));
  });

  it('above 100.00 waits for finance (not the requester), then executes once; the ledger balances', async () => {
    const id = await paidOrder(20_000);
    const held = await refund(id, 15_000);
    expect(held.status).toBe(202);
    const approvalId = held.body.approval.id as string;
    expect(held.body.approval.steps).toEqual([expect.objectContaining({ role: 'finance', onTimeout: { escalateTo: 'admin' } })]);
    expect((await orderOf(id)).refunded).toEqual(eur(0));
    await stepOpen(approvalId);
    expect((await decide(approvalId, finance, 'approve')).status).toBe(403);
    expect((await decide(approvalId, operations, 'approve')).status).toBe(403);
    expect((await decide(approvalId, finance2, 'approve')).status).toBe(200);
    await eventually(() => getApproval(approvalId), (r) => Boolean(r.body.appliedAt));
    expect(await orderOf(id)).toMatchObject({ refunded: eur(15_000), refundable: eur(5_000) });
    const balance = await trialBalance();
    expect(balance.totals.debit).toBe(balance.totals.credit);
  });

  it('above 1,000.00 needs finance then admin; rejected, the order and the ledger stay as they were', async () => {
    const id = await paidOrder(300_000);
    const approvalId = (await refund(id, 200_000)).body.approval.id as string;
    await stepOpen(approvalId, 0);
    expect((await decide(approvalId, finance2, 'approve')).body.status).toBe('pending');
    await stepOpen(approvalId, 1);
    expect((await decide(approvalId, finance2, 'approve')).status).toBe(403);
    expect((await decide(approvalId, admin2, 'approve')).body.status).toBe('approved');
    await eventually(() => getApproval(approvalId), (r) => Boolean(r.body.appliedAt));
    expect((await orderOf(id)).refunded).toEqual(eur(200_000));

    const before = { order: await orderOf(id), balance: await trialBalance() };
    const rejectedId = (await refund(id, 50_000)).body.approval.id as string;
    await stepOpen(rejectedId);
    expect((await decide(rejectedId, finance2, 'reject', 'Not covered')).body.status).toBe('rejected');
    await eventually(() => getApproval(rejectedId), (r) => Boolean(r.body.revertedAt));
    expect(await orderOf(id)).toEqual(before.order);
    expect(await trialBalance()).toEqual(before.balance);
  });
});

describe('the local state machine', () => {
  it('resumes a waiting execution after a restart with the same task token and due time', async () => {
    const id = await product(10_000);
    const approvalId = await requestPriceChange(id, 30_000);
    const before = await stepOpen(approvalId);
    const { stateDir, dispose: removeFirst } = sfn;
    const port = Number(new URL(sfn.endpoint).port);
    await sfn.stop();
    // A new engine on the same state (and port: the handlers' SFN client keeps its endpoint).
    const restarted = await startTestApprovals({ stateDir, port });
    const stopRestarted = restarted.dispose;
    sfn = {
      ...restarted,
      dispose: async () => {
        await stopRestarted();
        await removeFirst();
      },
    };
    // A decision sent before the execution resumed is kept for it.
    const approved = await decide(approvalId, admin2, 'approve');
    sfn.resume();
    expect(approved.status).toBe(200);
    expect(approved.body.steps[0].dueAt).toBe(before.body.steps[0].dueAt);
    await eventually(() => getProduct(id), (r) => r.body.price.amount === 30_000);
    expect((await getProduct(id)).body.price).toEqual(eur(30_000));
  });
});

describe('granting admin', () => {
  it('waits for an admin other than the requester; approved, the role is granted; rejected, nothing changes', async () => {
    const manager = await createStaff(['admin']);
    const clerk = (await iam('createStaff', { staffId: manager, body: { email: `${newId().toLowerCase()}@approvals.example.com`, name: 'Clerk', roles: ['support'] } })).body.id as string;

    const granted = await iam('setStaffRoles', { staffId: manager, params: { id: clerk }, body: { roles: ['support', 'admin'] } });
    expect(granted.status).toBe(202);
    const approvalId = granted.body.approval.id as string;
    expect(granted.body.approval).toMatchObject({ kind: 'admin_role_grant', status: 'pending', subject: { staffId: clerk, roles: ['support', 'admin'] } });
    const waiting = await iam('getStaff', { staffId: manager, params: { id: clerk } });
    expect(waiting.body).toMatchObject({ roles: ['support'], pendingRoleChange: { approvalId, roles: ['support', 'admin'] } });
    expect((await iam('setStaffRoles', { staffId: manager, params: { id: clerk }, body: { roles: ['finance'] } })).status).toBe(409);

    await stepOpen(approvalId);
    expect((await decide(approvalId, manager, 'approve')).status).toBe(403);
    expect((await decide(approvalId, admin2, 'approve')).status).toBe(200);
    const after = await eventually(() => iam('getStaff', { staffId: manager, params: { id: clerk } }), (r) => r.body.roles.includes('admin'));
    expect(after.body.roles).toEqual(['support', 'admin']);
    expect(after.body.pendingRoleChange).toBeUndefined();

    const other = (await iam('createStaff', { staffId: manager, body: { email: `${newId().toLowerCase()}@approvals.example.com`, name: 'Other', roles: ['editor'] } })).body.id as string;
    const second = await iam('setStaffRoles', { staffId: manager, params: { id: other }, body: { roles: ['admin'] } });
    await stepOpen(second.body.approval.id);
    expect((await decide(second.body.approval.id, admin3, 'reject')).status).toBe(200);
    await eventually(() => getApproval(second.body.approval.id), (r) => Boolean(r.body.revertedAt));
    const unchanged = await iam('getStaff', { staffId: manager, params: { id: other } });
    expect(unchanged.body.roles).toEqual(['editor']);
    expect(unchanged.body.pendingRoleChange).toBeUndefined();
  });
});
