import { conflict, forbidden } from '../shared/errors';
import { stampOf, type WriteContext } from '../shared/write-context';
import type { ApprovalKindName, ApprovalStatus, ApprovalStep, ApprovalView, PolicyStep } from './schemas';

/**
 * The rules of an approval as pure state transitions (no I/O): who may decide which step, what a
 * timeout does, what the workflow does next. The repository stores the result with a condition on
 * the version read, so two writers can never both win.
 */

export interface ApprovalRecord {
  id: string;
  kind: ApprovalKindName;
  status: ApprovalStatus;
  /** `staff:<id>` of the requester. */
  requestedBy: string;
  summary: string;
  subject: Record<string, unknown>;
  steps: ApprovalStep[];
  /**
   * The task token of the open step, once the workflow waits there (never shown through the API).
   * Registering it leaves `version` as it is: a decision read before it still wins its conditional
   * write, and takes the token with it (see registerTaskToken).
   */
  taskToken?: string;
  appliedAt?: string;
  revertedAt?: string;
  failure?: { error: string; cause?: string };
  version: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  requestId: string;
  sourceIp: string;
}

export type Decision = 'approve' | 'reject';

export interface Decider {
  actor: string;
  roles: readonly string[];
}

const ADMIN = 'admin';

/**
 * Opens the first step not yet reached when none is open: a pending approval always shows its
 * current step open (in its role's inbox, decidable, due `timeoutSeconds` from now), whether or
 * not the workflow has reached it yet.
 */
function openCurrent(steps: ApprovalStep[], at: string): ApprovalStep[] {
  if (steps.some((s) => s.status === 'open')) return steps;
  const index = steps.findIndex((s) => s.status === 'waiting');
  if (index < 0) return steps;
  return steps.map((s, i) =>
    i === index ? { ...s, status: 'open' as const, openedAt: at, dueAt: new Date(Date.parse(at) + s.timeoutSeconds * 1000).toISOString() } : s,
  );
}

export function newApproval(
  input: { id: string; kind: ApprovalKindName; subject: Record<string, unknown>; summary: string; steps: PolicyStep[] },
  ctx: WriteContext,
): ApprovalRecord {
  const steps = input.steps.map((s): ApprovalStep => ({ role: s.role, status: 'waiting', timeoutSeconds: s.timeoutSeconds, onTimeout: s.onTimeout }));
  return {
    id: input.id,
    kind: input.kind,
    status: 'pending',
    requestedBy: ctx.actor,
    summary: input.summary,
    subject: input.subject,
    steps: openCurrent(steps, ctx.at),
    version: 1,
    createdAt: ctx.at,
    ...stampOf(ctx),
  };
}

/** The API view: everything but the task token and the request bookkeeping. */
export function toView(record: ApprovalRecord): ApprovalView {
  const { taskToken: _t, requestId: _r, sourceIp: _s, ...view } = record;
  return view;
}

/** The step the workflow works on: the first one not yet decided. */
function currentIndex(record: ApprovalRecord): number {
  return record.steps.findIndex((s) => s.status === 'waiting' || s.status === 'open');
}

function bump(record: ApprovalRecord, ctx: WriteContext, changes: Partial<ApprovalRecord>): ApprovalRecord {
  return { ...record, ...changes, ...stampOf(ctx), version: record.version + 1 };
}

/** Steps not reached when an approval ends are `skipped`. */
const skipRest = (steps: ApprovalStep[]) => steps.map((s) => (s.status === 'waiting' || s.status === 'open' ? { ...s, status: 'skipped' as const } : s));

export type NextAction =
  | { outcome: 'open'; stepIndex: number; role: string; timeoutSeconds: number }
  | { outcome: 'approved' | 'rejected' | 'expired' | 'failed' };

/**
 * What the workflow does next. An open step (the workflow resumed while it waited) keeps its due
 * time: the wait is only what remains of it.
 */
export function nextAction(record: ApprovalRecord, nowMs: number): NextAction {
  if (record.status !== 'pending') return { outcome: record.status };
  const index = currentIndex(record);
  if (index < 0) return { outcome: 'approved' };
  const step = record.steps[index]!;
  const timeoutSeconds =
    step.status === 'open' && step.dueAt ? Math.max(1, Math.ceil((Date.parse(step.dueAt) - nowMs) / 1000)) : step.timeoutSeconds;
  return { outcome: 'open', stepIndex: index, role: step.role, timeoutSeconds };
}

/** Why a step cannot be opened: it was decided meanwhile, or the approval is over. */
export class StepNotOpen extends Error {
  constructor(readonly approvalId: string, readonly stepIndex: number) {
    super(`Step ${stepIndex} of approval ${approvalId} cannot wait for a decision`);
    this.name = 'StepNotOpen';
  }
}

/**
 * The workflow reached a step and waits there with this task token. The step is normally open
 * already (opened with the approval, or by the decision or escalation before it); one still
 * `waiting` (stored before steps opened that way) opens now. A retried or resumed task only
 * replaces the token; the due time stays. The version stays too: stored on the condition of the
 * version read, the token lands only if no decision came first, and a decision that comes after
 * replaces the item and hands this token over itself.
 */
export function openStep(record: ApprovalRecord, stepIndex: number, timeoutSeconds: number, taskToken: string, ctx: WriteContext): ApprovalRecord {
  if (record.status !== 'pending' || currentIndex(record) !== stepIndex) throw new StepNotOpen(record.id, stepIndex);
  const step = record.steps[stepIndex]!;
  const openedAt = step.openedAt ?? ctx.at;
  const dueAt = step.dueAt ?? new Date(Date.parse(ctx.at) + timeoutSeconds * 1000).toISOString();
  const steps = record.steps.map((s, i) => (i === stepIndex ? { ...s, status: 'open' as const, openedAt, dueAt } : s));
  return { ...record, steps, taskToken, ...stampOf(ctx) };
}

/**
 * A decision on the current step, open from the moment the approval shows it, whether or not the
 * workflow waits there yet (docs/architecture.md#approvals, four eyes: not by the requester, not by whoever decided an earlier step,
 * only by a holder of the step's role or an admin). A decision on an approval that is over changes
 * nothing (409). Approving opens the next step, if any; rejecting ends the approval. The result
 * carries no task token: whoever stores it hands over the token the stored item held.
 */
export function decide(record: ApprovalRecord, decider: Decider, decision: Decision, comment: string | undefined, ctx: WriteContext): ApprovalRecord {
  if (record.status !== 'pending') throw conflict(`This approval is already ${record.status}`, 'approval-decided');
  if (record.requestedBy === decider.actor) throw forbidden('You cannot decide your own request');
  if (record.steps.some((s) => s.decidedBy === decider.actor)) throw forbidden('You already decided a step of this approval; another member must decide this one');
  const index = currentIndex(record);
  if (index < 0) throw conflict('Every step of this approval is decided', 'approval-decided');
  const step = record.steps[index]!;
  if (!decider.roles.includes(step.role) && !decider.roles.includes(ADMIN)) {
    throw forbidden(`This step needs a member with the ${step.role} role`);
  }
  const decided: ApprovalStep = {
    ...step,
    status: decision === 'approve' ? 'approved' : 'rejected',
    decidedBy: decider.actor,
    decidedAt: ctx.at,
    ...(comment === undefined ? {} : { comment }),
  };
  let steps = record.steps.map((s, i) => (i === index ? decided : s));
  const last = steps.every((s) => s.status !== 'waiting' && s.status !== 'open');
  let status: ApprovalStatus = 'pending';
  if (decision === 'reject') {
    status = 'rejected';
    steps = skipRest(steps);
  } else if (last) {
    status = 'approved';
  } else {
    steps = openCurrent(steps, ctx.at);
  }
  const { taskToken: _token, ...rest } = record;
  return bump(rest, ctx, { steps, status });
}

/**
 * The open step's time ran out: escalate (a step for the escalation role follows, rejecting on its
 * own timeout) or expire the approval. Undefined when the step is no longer open (decided meanwhile).
 */
export function timeOutStep(record: ApprovalRecord, stepIndex: number, ctx: WriteContext): ApprovalRecord | undefined {
  const step = record.steps[stepIndex];
  if (record.status !== 'pending' || !step || step.status !== 'open') return undefined;
  const { taskToken: _token, ...rest } = record;
  if (typeof step.onTimeout === 'object') {
    const escalation: ApprovalStep = {
      role: step.onTimeout.escalateTo,
      status: 'waiting',
      timeoutSeconds: step.timeoutSeconds,
      onTimeout: 'reject',
      escalatedFrom: stepIndex,
    };
    const steps = [...record.steps.slice(0, stepIndex), { ...step, status: 'escalated' as const }, escalation, ...record.steps.slice(stepIndex + 1)];
    return bump(rest, ctx, { steps: openCurrent(steps, ctx.at) });
  }
  const steps = skipRest(record.steps.map((s, i) => (i === stepIndex ? { ...s, status: 'expired' as const } : s)));
  return bump(rest, ctx, { steps, status: 'expired' });
}

/** The change could not be applied (or the workflow broke): the approval ends `failed`. */
export function fail(record: ApprovalRecord, error: { error: string; cause?: string }, ctx: WriteContext): ApprovalRecord {
  const { taskToken: _token, ...rest } = record;
  return bump(rest, ctx, { status: 'failed', steps: skipRest(record.steps), failure: error });
}

