import { BUILT_IN_ROLE_NAMES, isBuiltInRole } from '../shared/auth/permissions';
import { ConditionFailed } from '../shared/conditional';
import { badRequest, preconditionFailed } from '../shared/errors';
import type { WriteContext } from '../shared/write-context';
import { findRole } from '../iam/role-repository';
import { DEFAULT_POLICY, MEASURES, policyProblems, rolesOf } from './policy';
import { findPolicy, putPolicy } from './policy-repository';
import type { PolicyDocument } from './schemas';

/** Approval policy use cases: read (defaults until one is stored) and replace (validated, versioned). */

export interface PolicyView extends PolicyDocument {
  measures: Record<string, string>;
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

const measures = Object.fromEntries(Object.entries(MEASURES).map(([kind, m]) => [kind, m ?? 'none: rules take no threshold']));

/** The policy in force: the stored one, else the defaults (docs/architecture.md#approvals). */
export async function currentPolicy(): Promise<PolicyDocument & { version: number; updatedAt?: string; updatedBy?: string }> {
  const stored = await findPolicy();
  if (!stored) return { ...DEFAULT_POLICY, version: 0 };
  return stored;
}

export async function getPolicy(): Promise<PolicyView> {
  const policy = await currentPolicy();
  return {
    kinds: policy.kinds,
    measures,
    version: policy.version,
    ...(policy.updatedAt ? { updatedAt: policy.updatedAt } : {}),
    ...(policy.updatedBy ? { updatedBy: policy.updatedBy } : {}),
  };
}

/** Custom roles must exist (one GetItem per custom role named; built-in roles are known). */
async function knownRoles(policy: PolicyDocument): Promise<Set<string>> {
  const known = new Set<string>(BUILT_IN_ROLE_NAMES);
  const custom = [...rolesOf(policy)].filter((role) => !isBuiltInRole(role));
  const found = await Promise.all(custom.map(async (role) => ((await findRole(role)) ? role : undefined)));
  for (const role of found) if (role) known.add(role);
  return known;
}

/**
 * Replaces the whole policy (every kind). Unknown roles, or thresholds on kinds without a measure,
 * are 400. `If-Match` names the version replaced (0: the defaults); without it the policy is
 * replaced as it stands (one write either way).
 */
export async function replacePolicy(policy: PolicyDocument, expectedVersion: number | undefined, ctx: WriteContext): Promise<PolicyView> {
  const roles = await knownRoles(policy);
  const problems = policyProblems(policy, (role) => roles.has(role));
  if (problems.length > 0) throw badRequest('The policy names unknown roles or invalid rules', problems);
  try {
    const stored = await putPolicy(policy, expectedVersion, ctx);
    return { kinds: stored.kinds, measures, version: stored.version, updatedAt: stored.updatedAt, updatedBy: stored.updatedBy };
  } catch (error) {
    if (error instanceof ConditionFailed) throw preconditionFailed(`The policy is not at version ${expectedVersion}`);
    throw error;
  }
}
