import { queryEntityEntries } from '../../functions/audit/audit-repository';
import { findApproval } from '../../functions/approvals/approval-repository';
import { handler as approvalsHandler } from '../../functions/approvals/handler';
import { approvalRoutes } from '../../functions/approvals/routes';
import { handler as catalogHandler } from '../../functions/catalog/handler';
import { catalogRoutes } from '../../functions/catalog/routes';
import { advanceClock } from '../../functions/shared/clock';
import { newId } from '../../functions/shared/ids';
import type { RouteSpec } from '../../functions/shared/http/route';
import { LOCAL_APPROVALS_STATE_MACHINE_ARN } from '../../local/approvals-workflow';
import { adminEvent, lambdaContext, parse, routeById } from '../support/lambda-events';
import { eventually, startTestApprovals, useOwnTable } from '../support/local-approvals';
import { createStaff } from '../support/staff';

/**
 * A listed approval is decidable at once: decisions sent right after the 202, while the workflow is
 * deliberately slow to start or to reach its step, all count (200), the subject changes once, and
 * the audit log shows the approval's changes in order. A decision racing the step's timeout has
 * exactly one winner.
 */
jest.setTimeout(240_000);
/** Generous: the machines running this suite are often busy. */
const SETTLE_MS = 90_000;

type Handler = (event: never, context: never) => Promise<unknown>;
const caller = (handler: Handler, routes: readonly RouteSpec[]) => async (operationId: string, options: Parameters<typeof adminEvent>[1] = {}) =>
  parse((await handler(adminEvent(routeById(routes, operationId), options) as never, lambdaContext() as never)) as never);
const approvals = caller(approvalsHandler as Handler, approvalRoutes);
const catalog = caller(catalogHandler as Handler, catalogRoutes);

const ROUNDS = 30;
const DAY_MS = 24 * 3600 * 1000;
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How slow the workflow of an approval is, by its id: a third start late (the decision comes before
 * the execution), a third reach their step late (after the start, before the token), a third at once.
 */
const slowness = (approvalId: string) => parseInt(approvalId.slice(-2), 36) % 3;
/** Approvals whose workflow registered a task token (it waited at the step). */
const waitedAtStep = new Set<string>();

let sfn: Awaited<ReturnType<typeof startTestApprovals>>;
let requester: string;
let approver: string;

beforeAll(async () => {
  await useOwnTable('approvals-at-once');
  sfn = await startTestApprovals({
    audit: true,
    beforeStart: async (approvalId) => {
      if (slowness(approvalId) === 0) await sleep(400);
    },
    beforeTask: async (event) => {
      if (event.action !== 'await') return;
      if (slowness(event.approvalId) === 1) await sleep(300);
      waitedAtStep.add(event.approvalId);
    },
  });
  [requester, approver] = await Promise.all([createStaff(['admin']), createStaff(['admin'])]);
});
afterAll(() => sfn?.dispose());

const getApproval = (id: string) => approvals('getApproval', { staffId: requester, params: { id } });
const getProduct = (id: string) => catalog('getProduct', { staffId: requester, params: { id } });
const decide = (id: string, decision: 'approve' | 'reject') =>
  approvals(decision === 'approve' ? 'approveApproval' : 'rejectApproval', { staffId: approver, params: { id }, body: { comment: `${decision} at once` } });
const executionOf = (approvalId: string) => sfn.describe(`${LOCAL_APPROVALS_STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${approvalId}`);

/** A product and a price change of it above 20 % (one admin step), answered 202. */
async function priceChange(to: number) {
  const created = await catalog('createProduct', { staffId: requester, body: { sku: `NOW-${newId()}`, name: 'Decided at once', price: eur(10_000), status: 'active' } });
  expect(created.status).toBe(201);
  const held = await catalog('updateProduct', { staffId: requester, params: { id: created.body.id }, body: { price: eur(to) } });
  expect(held.status).toBe(202);
  expect(held.body.approval.steps).toEqual([expect.objectContaining({ role: 'admin', status: 'open', dueAt: expect.any(String) })]);
  return { productId: created.body.id as string, approvalId: held.body.approval.id as string };
}

/** The audit entries of one entity, once `count` of them are in. */
type Entry = Awaited<ReturnType<typeof queryEntityEntries>>['items'][number];
async function auditOf(entityType: string, entityId: string, complete: (items: Entry[]) => boolean) {
  const page = await eventually(() => queryEntityEntries({ entityType, entityId, limit: 50 }), (p) => complete(p.items), SETTLE_MS);
  return page.items;
}

const fieldAfter = (entry: { changes: { field: string; after: unknown }[] }, field: string) => entry.changes.find((c) => c.field === field)?.after;

async function expectOutcomeOnce(productId: string, approvalId: string, decision: 'approve' | 'reject') {
  const stamp = decision === 'approve' ? 'appliedAt' : 'revertedAt';
  const finalStatus = decision === 'approve' ? 'approved' : 'rejected';
  const done = await eventually(() => getApproval(approvalId), (r) => Boolean(r.body[stamp]), SETTLE_MS);
  expect(done.body).toMatchObject({ status: finalStatus, [stamp]: expect.any(String) });
  expect(done.body.steps).toEqual([expect.objectContaining({ status: finalStatus, decidedBy: `staff:${approver}` })]);
  await eventually(async () => executionOf(approvalId)?.status, (status) => status === 'SUCCEEDED', SETTLE_MS);
  expect(executionOf(approvalId)?.status).toBe('SUCCEEDED');

  const product = (await getProduct(productId)).body;
  expect(product.pendingPriceChange).toBeUndefined();
  expect(product.price).toEqual(decision === 'approve' ? eur(13_000) : eur(10_000));
  // created (1), marked pending (2), the outcome once (3)
  expect(product.version).toBe(3);

  // The approval's audit chain: created pending, decided, outcome recorded; in that order, once each.
  // Complete once the outcome is recorded (a workflow that waited at the step also stored its token: one entry more).
  const entries = await auditOf('approval', approvalId, (items) => items.some((e) => fieldAfter(e, stamp) !== undefined));
  expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
  expect(entries[0]).toMatchObject({ action: 'create' });
  expect(fieldAfter(entries[0]!, 'status')).toBe('pending');
  const statuses = entries.map((e) => fieldAfter(e, 'status')).filter((s) => s !== undefined);
  expect(statuses).toEqual(['pending', finalStatus]);
  const decidedAt = entries.findIndex((e) => fieldAfter(e, 'status') === finalStatus);
  const outcomeAt = entries.findIndex((e) => fieldAfter(e, stamp) !== undefined);
  expect(entries.filter((e) => fieldAfter(e, stamp) !== undefined)).toHaveLength(1);
  expect(outcomeAt).toBeGreaterThan(decidedAt);
  expect(entries[decidedAt]!.actor).toBe(`staff:${approver}`);

  const productEntries = await auditOf('product', productId, (items) => items.length >= 3);
  expect(productEntries.map((e) => e.action)).toEqual(['create', 'update', 'update']);
}

describe.each(['approve', 'reject'] as const)('%s right after the 202, the workflow slow to start', (decision) => {
  it(`${ROUNDS} approvals: every decision 200, every outcome once, audit entries in order`, async () => {
    const rounds = await Promise.all(
      Array.from({ length: ROUNDS }, async () => {
        const change = await priceChange(13_000);
        const decided = await decide(change.approvalId, decision);
        return { ...change, decided };
      }),
    );
    // A few decided only once their workflow waits at the step: the decide route hands those over itself.
    // (Which of the immediate ones the workflow reached first depends on timing; these make both paths certain.)
    const late = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const change = await priceChange(13_000);
        await eventually(() => findApproval(change.approvalId), (r) => Boolean(r?.taskToken), SETTLE_MS);
        const decided = await decide(change.approvalId, decision);
        return { ...change, decided };
      }),
    );
    for (const { decided } of [...rounds, ...late]) {
      expect(decided.status).toBe(200);
      expect(decided.body.status).toBe(decision === 'approve' ? 'approved' : 'rejected');
    }
    await Promise.all([...rounds, ...late].map(({ productId, approvalId }) => expectOutcomeOnce(productId, approvalId, decision)));
    expect(late.filter(({ approvalId }) => waitedAtStep.has(approvalId))).toHaveLength(late.length);
    expect(sfn.stats().waiting).toBe(0);
  });
});

describe('a decision racing the step’s timeout', () => {
  it('has exactly one winner: approved and applied, or expired and reverted, never both', async () => {
    const changes = await Promise.all(Array.from({ length: 10 }, () => priceChange(13_000)));
    // The workflows wait at their steps (the timeout runs on the local clock from there).
    await Promise.all(changes.map(({ approvalId }) => eventually(() => findApproval(approvalId), (r) => Boolean(r?.taskToken), SETTLE_MS)));
    advanceClock(3 * DAY_MS + 1000);
    // Spread over the moment the timeouts fire (the local engine looks at the clock every 25 ms).
    const decided = await Promise.all(
      changes.map(async (change, i) => {
        await sleep(i * 5);
        return { ...change, reply: await decide(change.approvalId, 'approve') };
      }),
    );
    for (const { productId, approvalId, reply } of decided) {
      expect([200, 409]).toContain(reply.status);
      const settled = await eventually(() => getApproval(approvalId), (r) => Boolean(r.body.appliedAt || r.body.revertedAt), SETTLE_MS);
      const product = (await getProduct(productId)).body;
      if (reply.status === 200) {
        expect(settled.body).toMatchObject({ status: 'approved', appliedAt: expect.any(String) });
        expect(settled.body.revertedAt).toBeUndefined();
        expect(product.price).toEqual(eur(13_000));
      } else {
        expect(settled.body).toMatchObject({ status: 'expired', revertedAt: expect.any(String), steps: [{ status: 'expired' }] });
        expect(settled.body.appliedAt).toBeUndefined();
        expect(product.price).toEqual(eur(10_000));
      }
      expect(product.pendingPriceChange).toBeUndefined();
      expect(product.version).toBe(3);
    }
  });
});
