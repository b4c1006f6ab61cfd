import { unauthorized } from '../errors';
import { grantsOfRoles } from './permissions';
import type { StaffPrincipal } from './principal';
import { getStaffAccess } from './staff-access-repository';

/** Roles are cached briefly per container so a role change or a disable takes effect within this window. */
export const STAFF_CACHE_TTL_MS = 30_000;
const cache = new Map<string, { principal: StaffPrincipal; expiresAt: number }>();

/**
 * Maps verified JWT claims to a staff member. Cognito access tokens carry the staff id as
 * `username` (the user is created with it); the local issuer sets both `sub` and `username`.
 */
export async function resolveStaffPrincipal(claims: Record<string, unknown>): Promise<StaffPrincipal> {
  const staffId = typeof claims.username === 'string' ? claims.username : typeof claims.sub === 'string' ? claims.sub : undefined;
  if (!staffId) throw unauthorized('The token does not name a staff member');
  const now = Date.now();
  const hit = cache.get(staffId);
  if (hit && hit.expiresAt > now) return hit.principal;

  const record = await getStaffAccess(staffId);
  if (!record) throw unauthorized('Unknown staff member');
  if (record.status !== 'active') {
    cache.delete(staffId);
    throw unauthorized('This staff account is disabled');
  }
  const principal: StaffPrincipal = {
    kind: 'staff',
    id: record.id,
    email: record.email,
    roles: record.roles,
    grants: grantsOfRoles(record.roles),
    actor: `staff:${record.id}`,
  };
  cache.set(staffId, { principal, expiresAt: now + STAFF_CACHE_TTL_MS });
  return principal;
}

/** For tests and the local runtime's seeding: forget cached principals. */
export function clearStaffCache(): void {
  cache.clear();
}
