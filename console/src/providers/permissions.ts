/**
 * What the signed-in person may do, from `GET /me`: grants are `resource:action`, `resource:*` or
 * `*` (the same rule the API applies; the API still enforces everything, this only hides what
 * would be refused).
 */
export type Grants = readonly string[];

/** Every permission a role can hold (the API's catalogue; a unit test keeps the two equal). */
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

export function allows(grants: Grants | undefined, permission: Permission): boolean {
  if (!grants) return false;
  const resource = permission.slice(0, permission.indexOf(':'));
  return grants.some((grant) => grant === '*' || grant === permission || grant === `${resource}:*`);
}

const crud = (read: Permission, write: Permission, remove: Permission = write) => ({
  list: read,
  show: read,
  create: write,
  edit: write,
  delete: remove,
});

/**
 * react-admin's (resource, action) → the permission the API asks for. Custom actions of the
 * screens (`fulfil`, `refund`, …) are listed beside the standard ones; anything not listed is denied.
 */
export const ACCESS: Record<string, Record<string, Permission>> = {
  dashboard: { list: 'analytics:read' },
  products: { ...crud('products:read', 'products:write', 'products:delete'), restore: 'products:delete', adjust: 'inventory:write', stock: 'inventory:read' },
  'stock-adjustments': { list: 'inventory:read', create: 'inventory:write' },
  customers: { ...crud('customers:read', 'customers:write'), restore: 'customers:write', pii: 'customers:read_pii' },
  orders: {
    ...crud('orders:read', 'orders:write'),
    pay: 'payments:write',
    refund: 'refunds:write',
    fulfil: 'orders:write',
    cancel: 'orders:write',
    complete: 'orders:write',
    ship: 'shipments:write',
  },
  shipments: { list: 'shipments:read', show: 'shipments:read', track: 'shipments:write' },
  approvals: { list: 'approvals:read', show: 'approvals:read', decide: 'approvals:decide' },
  'approval-policies': { list: 'approvals:read', show: 'approvals:read', edit: 'approval_policies:write' },
  tickets: { ...crud('tickets:read', 'tickets:write'), transition: 'tickets:write', comment: 'tickets:write' },
  'ticket-comments': { list: 'tickets:read', create: 'tickets:write' },
  content: { ...crud('content:read', 'content:write'), submit: 'content:write', unpublish: 'content:write' },
  'content-versions': { list: 'content:read' },
  partners: { ...crud('partners:read', 'partners:write'), keys: 'partners:write' },
  'partner-keys': { list: 'partners:read', create: 'partners:write', delete: 'partners:write' },
  'partner-webhooks': { list: 'partners:read', edit: 'partners:write' },
  'webhook-deliveries': { list: 'partners:read' },
  staff: { ...crud('staff:read', 'staff:write'), disable: 'staff:write' },
  roles: crud('roles:read', 'roles:write'),
  audit: { list: 'audit:read', show: 'audit:read', verify: 'audit:read' },
  exports: { list: 'exports:read', show: 'exports:read', create: 'exports:write', all: 'exports:read_all' },
  'ledger-accounts': { list: 'ledger:read', show: 'ledger:read' },
  'ledger-entries': { list: 'ledger:read' },
  'trial-balance': { list: 'ledger:read' },
  analytics: { list: 'analytics:read' },
};

export function canAccess(grants: Grants | undefined, resource: string, action: string): boolean {
  const permission = ACCESS[resource]?.[action];
  return permission !== undefined && allows(grants, permission);
}
