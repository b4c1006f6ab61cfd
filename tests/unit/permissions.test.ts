import { BUILT_IN_ROLES, grants, grantsOfRoles, PERMISSIONS } from '../../functions/shared/auth/permissions';

describe('grants', () => {
  it('matches exact, resource wildcard and global wildcard grants', () => {
    expect(grants(['products:read'], 'products:read')).toBe(true);
    expect(grants(['products:*'], 'products:delete')).toBe(true);
    expect(grants(['*'], 'audit:read')).toBe(true);
  });

  it('does not let one resource wildcard cover another resource or a prefix', () => {
    expect(grants(['products:*'], 'orders:read')).toBe(false);
    expect(grants(['product:*'], 'products:read')).toBe(false);
    expect(grants(['products:read'], 'products:write')).toBe(false);
    expect(grants([], 'products:read')).toBe(false);
  });
});

describe('built-in roles', () => {
  it('name only known permissions or wildcards of known resources', () => {
    const resources = new Set(PERMISSIONS.map((p) => p.split(':')[0]));
    for (const grant of Object.values(BUILT_IN_ROLES).flat()) {
      const ok = grant === '*' || (PERMISSIONS as readonly string[]).includes(grant) || (grant.endsWith(':*') && resources.has(grant.slice(0, -2)));
      expect({ grant, ok }).toEqual({ grant, ok: true });
    }
  });

  it('unions the grants of several roles and ignores unknown roles', () => {
    expect(grantsOfRoles(['analyst', 'nope']).sort()).toEqual([...BUILT_IN_ROLES.analyst].sort());
    expect(grantsOfRoles(['finance', 'support'])).toEqual(expect.arrayContaining(['refunds:write', 'tickets:*']));
  });
});
