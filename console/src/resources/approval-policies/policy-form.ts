import type { Schemas } from '../../api/client';

export type PolicyKinds = Schemas['ApprovalPolicy']['kinds'];
export type KindName = keyof PolicyKinds;
type Rule = Schemas['ApprovalPolicyRule'];
type Step = Schemas['ApprovalPolicyStep'];

export const KIND_NAMES: KindName[] = ['refund', 'price_change', 'stock_write_off', 'content_publish', 'admin_role_grant'];

/** The form's shape of a rule: the threshold as a choice and a value, a timeout as an action and a role (field errors keep the API's paths). */
export interface FormStep {
  role: string;
  timeoutSeconds: number;
  onTimeout: { action: 'reject' | 'escalate'; escalateTo?: string };
}
export interface FormRule {
  threshold: 'none' | 'above' | 'atLeast';
  value?: number;
  steps: FormStep[];
}
export type FormKinds = Record<KindName, { rules: FormRule[] }>;

export function toForm(kinds: PolicyKinds): FormKinds {
  const rule = (r: Rule): FormRule => ({
    threshold: r.above !== undefined ? 'above' : r.atLeast !== undefined ? 'atLeast' : 'none',
    value: r.above ?? r.atLeast,
    steps: r.steps.map((s) => ({
      role: s.role,
      timeoutSeconds: s.timeoutSeconds,
      onTimeout: typeof s.onTimeout === 'object' ? { action: 'escalate', escalateTo: s.onTimeout.escalateTo } : { action: 'reject' },
    })),
  });
  return Object.fromEntries(KIND_NAMES.map((kind) => [kind, { rules: kinds[kind].rules.map(rule) }])) as FormKinds;
}

export function fromForm(kinds: FormKinds): PolicyKinds {
  const rule = (r: FormRule): Rule => ({
    ...(r.threshold === 'above' ? { above: Number(r.value ?? 0) } : {}),
    ...(r.threshold === 'atLeast' ? { atLeast: Number(r.value ?? 0) } : {}),
    steps: (r.steps ?? []).map(
      (s): Step => ({
        role: s.role,
        timeoutSeconds: s.timeoutSeconds,
        onTimeout: s.onTimeout?.action === 'escalate' ? { escalateTo: s.onTimeout.escalateTo ?? '' } : 'reject',
      }),
    ),
  });
  return Object.fromEntries(KIND_NAMES.map((kind) => [kind, { rules: (kinds[kind]?.rules ?? []).map(rule) }])) as PolicyKinds;
}

/** One field of the policy as a reader names it: where it is, and its value in words. */
export interface PolicyField {
  kind: KindName;
  rule: number;
  step?: number;
  field: 'threshold' | 'role' | 'timeout' | 'onTimeout';
  value: { key: string; args?: Record<string, unknown> };
}

const hours = (seconds: number) => Math.round((seconds / 3600) * 100) / 100;

function fieldsOf(kinds: PolicyKinds): Map<string, PolicyField> {
  const fields = new Map<string, PolicyField>();
  for (const kind of KIND_NAMES) {
    kinds[kind].rules.forEach((rule, r) => {
      const threshold =
        rule.above !== undefined
          ? { key: 'resources.approval-policies.threshold_value.above', args: { value: rule.above } }
          : rule.atLeast !== undefined
            ? { key: 'resources.approval-policies.threshold_value.atLeast', args: { value: rule.atLeast } }
            : { key: 'resources.approval-policies.threshold_value.none' };
      fields.set(`${kind}.${r}.threshold`, { kind, rule: r, field: 'threshold', value: threshold });
      rule.steps.forEach((step, s) => {
        const at = { kind, rule: r, step: s };
        fields.set(`${kind}.${r}.${s}.role`, { ...at, field: 'role', value: { key: step.role } });
        fields.set(`${kind}.${r}.${s}.timeout`, { ...at, field: 'timeout', value: { key: 'resources.approval-policies.hours', args: { smart_count: hours(step.timeoutSeconds) } } });
        fields.set(`${kind}.${r}.${s}.onTimeout`, {
          ...at,
          field: 'onTimeout',
          value:
            typeof step.onTimeout === 'object'
              ? { key: 'resources.approvals.on_timeout.escalate', args: { role: step.onTimeout.escalateTo } }
              : { key: 'resources.approvals.on_timeout.reject' },
        });
      });
    });
  }
  return fields;
}

export interface PolicyChange {
  at: PolicyField;
  before?: PolicyField['value'];
  after?: PolicyField['value'];
}

/** Every field the edit alters, added or removes (a new step lists its fields with no "before"). */
export function changesBetween(before: PolicyKinds, after: PolicyKinds): PolicyChange[] {
  const old = fieldsOf(before);
  const next = fieldsOf(after);
  const changes: PolicyChange[] = [];
  for (const key of new Set([...old.keys(), ...next.keys()])) {
    const a = old.get(key);
    const b = next.get(key);
    if (JSON.stringify(a?.value) !== JSON.stringify(b?.value)) changes.push({ at: (b ?? a)!, before: a?.value, after: b?.value });
  }
  const order = (c: PolicyChange) => [KIND_NAMES.indexOf(c.at.kind), c.at.rule, c.at.step ?? -1];
  return changes.sort((x, y) => {
    const [a, b] = [order(x), order(y)];
    return a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
  });
}
