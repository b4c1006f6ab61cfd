/** Who is calling. `actor` is the form written to `updatedBy` and the audit log. */
export type Principal =
  | { kind: 'staff'; id: string; email: string; name: string; roles: string[]; grants: string[]; actor: `staff:${string}` }
  | { kind: 'partner'; id: string; keyId: string; scopes: string[]; actor: `partner:${string}` };

export type StaffPrincipal = Extract<Principal, { kind: 'staff' }>;
