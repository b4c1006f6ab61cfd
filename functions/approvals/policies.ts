import { BUILT_IN_ROLE_NAMES, isBuiltInRole } from '../shared/auth/permissions';
import { ConditionFailed } from '../shared/conditional';
import { badRequest, preconditionFailed } from '../shared/errors';
import type { WriteContext } from '../shared/write-context';
import type { ApprovalKinds } from './kind';
import { policyProblems, rolesOf } from './policy';
import { findPolicy, putPolicy } from './policy-repository';
import type { KindPolicy, PolicyDocument } from './schemas';

/**
 * Approval policy use cases: read (the kinds' defaults until one is stored) and replace (validated,
 * versioned). The kinds and the custom-role lookup come from the composition
 * (functions/approval-kinds.ts): the engine knows no kind and no role store of its own.
 */

/** What a policy is checked against: the registered kinds and whether a custom role exists. */
export interface PolicyContext {
  kinds: ApprovalKinds;
  roleExists(role: string): Promise<boolean>;
}

export interface PolicyView extends PolicyDocument {
  measures: Record<string, string>;
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

const measuresOf = (kinds: ApprovalKinds) =>
  Object.fromEntries(Object.entries(kinds.measures).map(([kind, m]) => [kind, m ?? 'none: rules take no threshold']));

/** The policy in force: the stored one (every kind), else none stored (version 0): each kind's defaults apply (docs/architecture.md#approvals). */
export async function currentPolicy(): Promise<{ kinds: Partial<PolicyDocument['kinds']>; version: number; updatedAt?: string; updatedBy?: string }> {
  const stored = await findPolicy();
  if (!stored) return { kinds: {}, version: 0 };
  return stored;
}

/** A kind's rules in a policy read by `currentPolicy` (its defaults unless stored). */
export function kindPolicyOf(policy: { kinds: Partial<PolicyDocument['kinds']> }, kind: { kind: keyof PolicyDocument['kinds']; defaultPolicy: KindPolicy }): KindPolicy {
  return policy.kinds[kind.kind] ?? kind.defaultPolicy;
}

export async function getPolicy({ kinds }: Pick<PolicyContext, 'kinds'>): Promise<PolicyView> {
  const policy = await currentPolicy();
  return {
    kinds: { ...kinds.defaultPolicy.kinds, ...policy.kinds },
    measures: measuresOf(kinds),
    version: policy.version,
    ...(policy.updatedAt ? { updatedAt: policy.updatedAt } : {}),
    ...(policy.updatedBy ? { updatedBy: policy.updatedBy } : {}),
  };
}

/** Custom roles must exist (one GetItem per custom role named; built-in roles are known). */
async function knownRoles(policy: PolicyDocument, roleExists: PolicyContext['roleExists']): Promise<Set<string>> {
  const known = new Set<string>(BUILT_IN_ROLE_NAMES);
  const custom = [...rolesOf(policy)].filter((role) => !isBuiltInRole(role));
  const found = await Promise.all(custom.map(async (role) => ((await roleExists(role)) ? role : undefined)));
  for (const role of found) if (role) known.add(role);
  return known;
}

/**
 * Replaces the whole policy (every kind). Unknown roles, or thresholds on kinds without a measure,
 * are 400. `If-Match` names the version replaced (0: the defaults); without it the policy is
 * replaced as it stands (one write either way).
 */
export async function replacePolicy(
  policy: PolicyDocument,
  expectedVersion: number | undefined,
  ctx: WriteContext,
  { kinds, roleExists }: PolicyContext,
): Promise<PolicyView> {
  const roles = await knownRoles(policy, roleExists);
  const problems = policyProblems(policy, (role) => roles.has(role), kinds.measures);
  if (problems.length > 0) throw badRequest('The policy names unknown roles or invalid rules', problems);
  try {
    const stored = await putPolicy(policy, expectedVersion, ctx);
    return { kinds: stored.kinds, measures: measuresOf(kinds), version: stored.version, updatedAt: stored.updatedAt, updatedBy: stored.updatedBy };
  } catch (error) {
    if (error instanceof ConditionFailed) throw preconditionFailed(`The policy is not at version ${expectedVersion}`);
    throw error;
  }
}
