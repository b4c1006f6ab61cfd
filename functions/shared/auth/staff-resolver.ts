import { unauthorized } from '../errors';
import { grantsOfRoles, isBuiltInRole } from './permissions';
import type { StaffPrincipal } from './principal';
import { getCustomRoleGrants, getStaffAccess } from './staff-access-repository';

/**
 * Custom role definitions are cached per container for this long: a changed role takes effect
 * within a minute. The member's own record (status, role names) is read on every request.
 */
export const ROLE_CACHE_TTL_MS = 60_000;
const roleCache = new Map<string, { grants: string[]; expiresAt: number }>();

async function customGrants(roles: string[], now: number): Promise<Record<string, string[]>> {
  const custom = roles.filter((role) => !isBuiltInRole(role));
  const result: Record<string, string[]> = {};
  const missing: string[] = [];
  for (const role of custom) {
    const hit = roleCache.get(role);
    if (hit && hit.expiresAt > now) result[role] = hit.grants;
    else missing.push(role);
  }
  if (missing.length > 0) {
    const fetched = await getCustomRoleGrants(missing);
    for (const role of missing) {
      const grants = fetched.grants[role] ?? [];
      // A role DynamoDB did not get to grants nothing this time (fail closed) and is not cached.
      if (!fetched.unprocessed.includes(role)) roleCache.set(role, { grants, expiresAt: now + ROLE_CACHE_TTL_MS });
      result[role] = grants;
    }
  }
  return result;
}

/**
 * Maps verified JWT claims to an active staff member. Cognito access tokens carry the staff id as
 * `username` (the user is created with it); the local issuer sets both `sub` and `username`.
 */
export async function resolveStaffPrincipal(claims: Record<string, unknown>): Promise<StaffPrincipal> {
  // The JWT authorizer checks signature, issuer, audience and expiry but not the token's kind: an ID
  // token (`token_use: id`, whose `aud` is the client id) would pass it. Only access tokens are credentials.
  if (claims.token_use !== 'access') throw unauthorized('Only an access token authenticates staff');
  const staffId = typeof claims.username === 'string' ? claims.username : typeof claims.sub === 'string' ? claims.sub : undefined;
  if (!staffId) throw unauthorized('The token does not name a staff member');
  const record = await getStaffAccess(staffId);
  if (!record) throw unauthorized('Unknown staff member');
  if (record.status !== 'active') throw unauthorized('This staff account is disabled');
  const custom = await customGrants(record.roles, Date.now());
  return {
    kind: 'staff',
    id: record.id,
    email: record.email,
    name: record.name,
    roles: record.roles,
    grants: grantsOfRoles(record.roles, custom),
    actor: `staff:${record.id}`,
  };
}
