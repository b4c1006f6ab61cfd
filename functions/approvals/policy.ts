import type { ApprovalKindName, KindPolicy, PolicyDocument, PolicyRule, PolicyStep } from './schemas';

/**
 * Approval policies (docs/architecture.md#approvals): per kind, rules of `threshold → ordered steps`. The measure a kind's
 * thresholds are compared with is fixed by the kind (a refund's amount, a price change's percentage,
 * a write-off's units); kinds without a measure only take rules without a threshold.
 * Pure functions: no I/O, unit-tested on their own.
 */

export const MEASURES: Readonly<Record<ApprovalKindName, string | undefined>> = {
  refund: 'amount in minor units (100.00 EUR = 10000)',
  price_change: 'change in percent of the current price, up or down',
  stock_write_off: 'units written off',
  content_publish: undefined,
  admin_role_grant: undefined,
};

const HOUR = 3600;
const DAY = 24 * HOUR;
const step = (role: string, timeoutSeconds: number, onTimeout: PolicyStep['onTimeout']): PolicyStep => ({ role, timeoutSeconds, onTimeout });

/**
 * The defaults in force until someone stores a policy: refund > 100.00 → finance; > 1,000.00 →
 * finance then admin; price change > 20 % → admin; write-off ≥ 100 units → operations; content
 * publish → editor; granting admin → admin. Finance and operations escalate to admin after two days;
 * admin and editor steps reject after three.
 */
export const DEFAULT_POLICY: PolicyDocument = {
  kinds: {
    refund: {
      rules: [
        { above: 10_000, steps: [step('finance', 2 * DAY, { escalateTo: 'admin' })] },
        { above: 100_000, steps: [step('finance', 2 * DAY, { escalateTo: 'admin' }), step('admin', 3 * DAY, 'reject')] },
      ],
    },
    price_change: { rules: [{ above: 20, steps: [step('admin', 3 * DAY, 'reject')] }] },
    stock_write_off: { rules: [{ atLeast: 100, steps: [step('operations', 2 * DAY, { escalateTo: 'admin' })] }] },
    content_publish: { rules: [{ steps: [step('editor', 3 * DAY, 'reject')] }] },
    admin_role_grant: { rules: [{ steps: [step('admin', 3 * DAY, 'reject')] }] },
  },
};

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
 * Rules a schema cannot express: thresholds only on kinds with a measure, known roles only
 * (`isRole` says whether a role exists), no escalation to the step's own role.
 */
export function policyProblems(policy: PolicyDocument, isRole: (role: string) => boolean): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  for (const [kind, kindPolicy] of Object.entries(policy.kinds) as Array<[ApprovalKindName, KindPolicy]>) {
    kindPolicy.rules.forEach((rule, r) => {
      const at = `body.kinds.${kind}.rules.${r}`;
      if (MEASURES[kind] === undefined && (rule.above !== undefined || rule.atLeast !== undefined)) {
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

/** How much a price changes, in percent of the current price (a change from zero, or of currency, is infinite). */
export function priceChangePercent(from: { amount: number; currency: string }, to: { amount: number; currency: string }): number {
  if (from.currency !== to.currency) return Number.POSITIVE_INFINITY;
  if (from.amount === to.amount) return 0;
  if (from.amount === 0) return Number.POSITIVE_INFINITY;
  return (Math.abs(to.amount - from.amount) * 100) / from.amount;
}
