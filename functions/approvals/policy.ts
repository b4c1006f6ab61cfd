import type { ApprovalKindName, KindPolicy, PolicyDocument, PolicyRule, PolicyStep } from './schemas';

/**
 * Approval policies (docs/architecture.md#approvals): per kind, rules of `threshold → ordered steps`. The measure a kind's
 * thresholds are compared with is fixed by the kind (a refund's amount, a price change's percentage,
 * a write-off's units); kinds without a measure only take rules without a threshold. Each kind
 * declares its default rules (functions/approval-kinds.ts lists the kinds).
 * Pure functions: no I/O, unit-tested on their own.
 */

const HOUR = 3600;
export const DAY = 24 * HOUR;

/** One step of a policy rule (kinds' default policies are written with it). */
export const policyStep = (role: string, timeoutSeconds: number, onTimeout: PolicyStep['onTimeout']): PolicyStep => ({ role, timeoutSeconds, onTimeout });

/** The threshold of a rule (-∞ for a rule without one) and whether the measure meets it. */
function threshold(rule: PolicyRule): number {
  return rule.above ?? rule.atLeast ?? Number.NEGATIVE_INFINITY;
}

function matches(rule: PolicyRule, measure: number | undefined): boolean {
  if (rule.above !== undefined) return measure !== undefined && measure > rule.above;
  if (rule.atLeast !== undefined) return measure !== undefined && measure >= rule.atLeast;
  return true;
}

/**
 * The steps a change needs: of the rules that match, the one with the highest threshold decides
 * (so rule order does not matter); none matches → no approval (an empty list).
 */
export function stepsFor(policy: KindPolicy, measure: number | undefined): PolicyStep[] {
  let best: PolicyRule | undefined;
  for (const rule of policy.rules) {
    if (!matches(rule, measure)) continue;
    if (!best || threshold(rule) > threshold(best)) best = rule;
  }
  return best ? best.steps.map((s) => ({ ...s })) : [];
}

export interface PolicyProblem {
  path: string;
  message: string;
}

/**
 * Rules a schema cannot express: thresholds only on kinds with a measure (`measures`, per kind),
 * known roles only (`isRole` says whether a role exists), no escalation to the step's own role.
 */
export function policyProblems(
  policy: PolicyDocument,
  isRole: (role: string) => boolean,
  measures: Readonly<Record<ApprovalKindName, string | undefined>>,
): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  for (const [kind, kindPolicy] of Object.entries(policy.kinds) as Array<[ApprovalKindName, KindPolicy]>) {
    kindPolicy.rules.forEach((rule, r) => {
      const at = `body.kinds.${kind}.rules.${r}`;
      if (measures[kind] === undefined && (rule.above !== undefined || rule.atLeast !== undefined)) {
        problems.push({ path: at, message: `${kind} has no measure to compare a threshold with` });
      }
      rule.steps.forEach((s, i) => {
        if (!isRole(s.role)) problems.push({ path: `${at}.steps.${i}.role`, message: `Unknown role ${s.role}` });
        if (typeof s.onTimeout === 'object') {
          if (!isRole(s.onTimeout.escalateTo)) {
            problems.push({ path: `${at}.steps.${i}.onTimeout.escalateTo`, message: `Unknown role ${s.onTimeout.escalateTo}` });
          } else if (s.onTimeout.escalateTo === s.role) {
            problems.push({ path: `${at}.steps.${i}.onTimeout.escalateTo`, message: 'Escalate to another role' });
          }
        }
      });
    });
  }
  return problems;
}

/** Every role a policy names (steps and escalations). */
export function rolesOf(policy: PolicyDocument): Set<string> {
  const roles = new Set<string>();
  for (const kindPolicy of Object.values(policy.kinds)) {
    for (const rule of kindPolicy.rules) {
      for (const s of rule.steps) {
        roles.add(s.role);
        if (typeof s.onTimeout === 'object') roles.add(s.onTimeout.escalateTo);
      }
    }
  }
  return roles;
}
