import { decide, fail, newApproval, nextAction, openStep, StepNotOpen, timeOutStep, toView, type ApprovalRecord } from '../../functions/approvals/approval-state';
import type { PolicyStep } from '../../functions/approvals/schemas';
import { HttpProblem } from '../../functions/shared/errors';
import type { WriteContext } from '../../functions/shared/write-context';

/** The approval rules as pure transitions: four eyes, roles, repeated and late decisions, timeouts. */
const T0 = Date.parse('2026-01-05T10:00:00.000Z');
const at = (secondsLater: number): WriteContext => ({ actor: 'system:approvals', requestId: 'r', sourceIp: '-', at: new Date(T0 + secondsLater * 1000).toISOString() });
const requester = { actor: 'staff:REQUESTER', roles: ['finance'] };
const financeA = { actor: 'staff:FIN-A', roles: ['finance'] };
const financeB = { actor: 'staff:FIN-B', roles: ['finance'] };
const adminA = { actor: 'staff:ADM-A', roles: ['admin'] };
const support = { actor: 'staff:SUP', roles: ['support'] };

const step = (role: string, onTimeout: PolicyStep['onTimeout'] = 'reject'): PolicyStep => ({ role, timeoutSeconds: 3600, onTimeout });

function approval(steps: PolicyStep[]): ApprovalRecord {
  return newApproval({ id: '01JAPPROVAL0000000000000000', kind: 'refund', subject: { amount: 1 }, summary: 'Refund', steps }, { ...at(0), actor: requester.actor });
}

/** Opens the current step as the workflow does. */
function open(record: ApprovalRecord, seconds = 1): ApprovalRecord {
  const next = nextAction(record, T0 + seconds * 1000);
  if (next.outcome !== 'open') throw new Error(`nothing to open: ${next.outcome}`);
  return openStep(record, next.stepIndex, next.timeoutSeconds, `token-${next.stepIndex}-${seconds}`, at(seconds));
}

function problem(run: () => unknown): number {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpProblem) return error.status;
    throw error;
  }
  throw new Error('expected a problem');
}

describe('deciding', () => {
  it('finance then admin: two deciders, each with the step’s role, the approval approved at the last step', () => {
    let record = open(approval([step('finance'), step('admin')]));
    // Due from the request, not from when the workflow reached the step.
    expect(record.steps[0]).toMatchObject({ status: 'open', dueAt: new Date(T0 + 3600_000).toISOString() });
    expect(record.taskToken).toBe('token-0-1');
    record = decide(record, financeA, 'approve', 'ok', at(10));
    expect(record).toMatchObject({ status: 'pending', steps: [{ status: 'approved', decidedBy: financeA.actor, comment: 'ok' }, { status: 'open' }] });
    expect(record.steps[1]).toMatchObject({ openedAt: at(10).at, dueAt: new Date(T0 + 3610_000).toISOString() });
    expect(record.taskToken).toBeUndefined();
    expect(nextAction(record, T0 + 10_000)).toEqual({ outcome: 'open', stepIndex: 1, role: 'admin', timeoutSeconds: 3600 });
    record = open(record, 20);
    const second = decide(record, adminA, 'approve', undefined, at(30));
    expect(second.status).toBe('approved');
    expect(nextAction(second, T0)).toEqual({ outcome: 'approved' });
  });

  it('refuses the requester, a member without the step’s role, and whoever decided an earlier step (403)', () => {
    let record = open(approval([step('finance'), step('finance')]));
    expect(problem(() => decide(record, requester, 'approve', undefined, at(5)))).toBe(403);
    expect(problem(() => decide(record, support, 'approve', undefined, at(5)))).toBe(403);
    record = open(decide(record, financeA, 'approve', undefined, at(5)), 6);
    expect(problem(() => decide(record, financeA, 'approve', undefined, at(7)))).toBe(403);
    expect(decide(record, financeB, 'approve', undefined, at(7)).status).toBe('approved');
  });

  it('lets an admin decide any step, but never their own request', () => {
    const record = open(approval([step('finance')]));
    expect(decide(record, adminA, 'approve', undefined, at(5)).status).toBe('approved');
    const own = open(newApproval({ id: '01JAPPROVAL0000000000000001', kind: 'refund', subject: {}, summary: 's', steps: [step('finance')] }, { ...at(0), actor: adminA.actor }));
    expect(problem(() => decide(own, adminA, 'approve', undefined, at(5)))).toBe(403);
  });

  it('accepts a decision on a new approval before the workflow waits at its step', () => {
    const record = approval([step('finance'), step('admin')]);
    expect(record.steps).toEqual([
      expect.objectContaining({ status: 'open', openedAt: at(0).at, dueAt: new Date(T0 + 3600_000).toISOString() }),
      expect.objectContaining({ status: 'waiting' }),
    ]);
    expect(record.taskToken).toBeUndefined();
    const first = decide(record, financeA, 'approve', undefined, at(1));
    expect(first.steps.map((s) => s.status)).toEqual(['approved', 'open']);
    // The workflow arrives at the decided step: it cannot wait there and moves on.
    expect(() => openStep(first, 0, 3600, 'late-token', at(2))).toThrow(StepNotOpen);
    expect(decide(first, adminA, 'reject', undefined, at(3)).status).toBe('rejected');
  });

  it('changes nothing on a repeated or late decision (409)', () => {
    const record = approval([step('finance')]);
    const decided = decide(open(record), financeA, 'approve', undefined, at(5));
    expect(problem(() => decide(decided, financeB, 'approve', undefined, at(6)))).toBe(409);
    expect(problem(() => decide(decided, financeB, 'reject', undefined, at(6)))).toBe(409);
  });

  it('a rejection ends the approval and skips the steps not reached', () => {
    const rejected = decide(open(approval([step('finance'), step('admin')])), financeA, 'reject', 'no', at(5));
    expect(rejected).toMatchObject({ status: 'rejected', steps: [{ status: 'rejected', comment: 'no' }, { status: 'skipped' }] });
    expect(nextAction(rejected, T0)).toEqual({ outcome: 'rejected' });
  });
});

describe('the workflow’s side', () => {
  it('waiting at an open step keeps its due time and the version, and replaces the token; the wait is what remains', () => {
    const created = approval([step('finance')]);
    const first = open(created, 1);
    expect(first.version).toBe(created.version);
    expect(first.steps[0]!.dueAt).toBe(created.steps[0]!.dueAt);
    const again = openStep(first, 0, 3600, 'token-new', at(600));
    expect(again.steps[0]!.dueAt).toBe(first.steps[0]!.dueAt);
    expect(again.taskToken).toBe('token-new');
    expect(nextAction(again, T0 + 1800_000)).toMatchObject({ outcome: 'open', stepIndex: 0, timeoutSeconds: 1800 });
  });

  it('opens a step stored as waiting (before steps opened with the approval) when the workflow waits there', () => {
    const legacy = approval([step('finance')]);
    const stored: ApprovalRecord = { ...legacy, steps: [{ ...legacy.steps[0]!, status: 'waiting', openedAt: undefined, dueAt: undefined }] };
    const waiting = openStep(stored, 0, 60, 'token', at(5));
    expect(waiting.steps[0]).toMatchObject({ status: 'open', openedAt: at(5).at, dueAt: at(65).at });
    expect(decide(stored, financeA, 'approve', undefined, at(6)).status).toBe('approved');
  });

  it('cannot open a decided step or a finished approval', () => {
    const decided = decide(open(approval([step('finance')])), financeA, 'approve', undefined, at(5));
    expect(() => openStep(decided, 0, 60, 't', at(6))).toThrow(StepNotOpen);
  });

  it('a timeout escalates to the policy’s role (which rejects on its own timeout) or expires the approval', () => {
    const escalated = timeOutStep(open(approval([step('finance', { escalateTo: 'admin' }), step('admin')])), 0, at(3601))!;
    expect(escalated.status).toBe('pending');
    expect(escalated.steps.map((s) => [s.role, s.status, s.onTimeout, s.escalatedFrom])).toEqual([
      ['finance', 'escalated', { escalateTo: 'admin' }, undefined],
      ['admin', 'open', 'reject', 0],
      ['admin', 'waiting', 'reject', undefined],
    ]);
    expect(escalated.steps[1]).toMatchObject({ openedAt: at(3601).at, dueAt: at(7201).at });
    const expired = timeOutStep(open(escalated, 3602), 1, at(7300))!;
    expect(expired).toMatchObject({ status: 'expired', steps: [{ status: 'escalated' }, { status: 'expired' }, { status: 'skipped' }] });
  });

  it('a timeout after the decision was recorded changes nothing', () => {
    const decided = decide(open(approval([step('finance')])), financeA, 'approve', undefined, at(5));
    expect(timeOutStep(decided, 0, at(3601))).toBeUndefined();
  });

  it('a failure ends the approval failed and never shows the token', () => {
    const failed = fail(open(approval([step('finance')])), { error: 'Approval.OutcomeRefused', cause: 'gone' }, at(9));
    expect(failed).toMatchObject({ status: 'failed', failure: { error: 'Approval.OutcomeRefused' }, steps: [{ status: 'skipped' }] });
    expect(toView(open(approval([step('finance')])))).not.toHaveProperty('taskToken');
  });
});
