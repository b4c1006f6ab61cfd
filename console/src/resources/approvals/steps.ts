import type { Schemas } from '../../api/client';

export type Approval = Schemas['Approval'];
export type ApprovalStep = Schemas['ApprovalStep'];

/** The step deciding now: the first one not yet decided (the API's rule too). */
export function currentStep(approval: { steps?: unknown }): ApprovalStep | undefined {
  return (approval.steps as ApprovalStep[] | undefined)?.find((step) => step.status === 'waiting' || step.status === 'open');
}

export interface Decider {
  actor: string;
  roles: readonly string[];
  mayDecide: boolean;
}

/**
 * Why the signed-in person cannot decide this approval (a translation key and its arguments), or
 * undefined when they can. The same rules as the API's, in its order; the API still judges.
 */
export function whyNotDecide(approval: Approval, decider: Decider): { key: string; args?: Record<string, unknown> } | undefined {
  if (!decider.mayDecide) return { key: 'resources.approvals.why.no_permission' };
  if (approval.status !== 'pending') return { key: 'resources.approvals.why.not_pending', args: { status: `resources.approvals.status.${approval.status}` } };
  if (approval.requestedBy === decider.actor) return { key: 'resources.approvals.why.own_request' };
  if (approval.steps.some((step) => step.decidedBy === decider.actor)) return { key: 'resources.approvals.why.decided_a_step' };
  const step = currentStep(approval);
  if (!step) return { key: 'resources.approvals.why.no_step' };
  if (!decider.roles.includes(step.role) && !decider.roles.includes('admin')) {
    return { key: 'resources.approvals.why.wrong_role', args: { role: step.role, roles: decider.roles.join(', ') } };
  }
  return undefined;
}
