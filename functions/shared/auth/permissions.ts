/**
 * Permissions are `resource:action`; a grant may use `*` for the action (`orders:*`) or for
 * everything (`*`). The catalogue below is the complete list: a role naming anything else is refused.
 */
export const PERMISSIONS = [
  'products:read',
  'products:write',
  'products:delete',
  'inventory:read',
  'inventory:write',
  'customers:read',
  'customers:read_pii',
  'customers:write',
  'orders:read',
  'orders:write',
  'payments:write',
  'refunds:write',
  'ledger:read',
  'shipments:read',
  'shipments:write',
  'tickets:read',
  'tickets:write',
  'content:read',
  'content:write',
  'approvals:read',
  'approvals:decide',
  'approval_policies:write',
  'staff:read',
  'staff:write',
  'roles:read',
  'roles:write',
  'partners:read',
  'partners:write',
  'audit:read',
  'analytics:read',
  'exports:read',
  'exports:write',
  'exports:read_all',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Scopes a partner API key can carry (docs/architecture.md#modules, partner API). */
export const SCOPES = ['catalog:read', 'orders:read', 'orders:write', 'shipments:write', 'content:read', 'tickets:write', 'webhooks:manage', 'events:read'] as const;
export type Scope = (typeof SCOPES)[number];

export const BUILT_IN_ROLES = {
  admin: ['*'],
  operations: [
    'products:*',
    'inventory:*',
    'customers:read',
    'customers:write',
    'orders:*',
    'shipments:*',
    'approvals:read',
    'approvals:decide',
  ],
  finance: ['orders:read', 'payments:write', 'refunds:write', 'ledger:read', 'customers:read', 'approvals:read', 'approvals:decide'],
  support: ['customers:read', 'customers:read_pii', 'customers:write', 'orders:read', 'tickets:*', 'products:read', 'shipments:read'],
  editor: ['content:*', 'products:read', 'approvals:read', 'approvals:decide'],
  analyst: ['analytics:read', 'exports:read', 'exports:write', 'products:read', 'orders:read', 'customers:read', 'ledger:read'],
  auditor: ['audit:read', 'staff:read', 'roles:read', 'partners:read', 'approvals:read', 'ledger:read', 'orders:read', 'products:read'],
} as const satisfies Record<string, readonly string[]>;
export type BuiltInRole = keyof typeof BUILT_IN_ROLES;
export const BUILT_IN_ROLE_NAMES = Object.keys(BUILT_IN_ROLES) as BuiltInRole[];

/** True when one of the grants covers the permission (exact, `resource:*` or `*`). */
export function grants(granted: Iterable<string>, permission: Permission): boolean {
  const resource = permission.slice(0, permission.indexOf(':'));
  for (const grant of granted) {
    if (grant === '*' || grant === permission || grant === `${resource}:*`) return true;
  }
  return false;
}

/** Expands role names into the union of their grants; unknown roles grant nothing. */
export function grantsOfRoles(roles: readonly string[], custom: Record<string, readonly string[]> = {}): string[] {
  const all = new Set<string>();
  for (const role of roles) {
    const list = (BUILT_IN_ROLES as Record<string, readonly string[]>)[role] ?? custom[role] ?? [];
    for (const grant of list) all.add(grant);
  }
  return [...all];
}

const RESOURCES = new Set(PERMISSIONS.map((p) => p.slice(0, p.indexOf(':'))));

/** A grant a role may hold: a known permission, `resource:*` of a known resource, or `*`. */
export function isKnownGrant(grant: string): boolean {
  if (grant === '*' || (PERMISSIONS as readonly string[]).includes(grant)) return true;
  return grant.endsWith(':*') && RESOURCES.has(grant.slice(0, -2));
}

export function isBuiltInRole(name: string): name is BuiltInRole {
  return Object.hasOwn(BUILT_IN_ROLES, name);
}
