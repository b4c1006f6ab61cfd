import { forbidden } from '../errors';
import { grants, type Permission } from './permissions';
import type { Principal } from './principal';

/** For checks finer than the route's own permission (e.g. seeing deleted items). */
export function requirePermission(principal: Principal, permission: Permission): void {
  if (principal.kind !== 'staff' || !grants(principal.grants, permission)) {
    throw forbidden(`This requires the ${permission} permission`);
  }
}
