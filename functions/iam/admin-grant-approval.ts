import * as z from 'zod/mini';
import { defineKind, OutcomeRefused } from '../approvals/kind';
import { DAY, policyStep } from '../approvals/policy';
import { isBuiltInRole } from '../shared/auth/permissions';
import { Id } from '../shared/schemas';
import { TransactionCancelled } from '../shared/transaction-repository';
import { applyPendingRoles, clearPendingRoles, MEMBER_ACTION } from './role-grant-repository';
import { findStaff } from './staff-repository';

/** Granting the `admin` role (by default → admin): the member's whole new role set waits for approval. */
export const AdminRoleGrantSubject = z.lazy(() =>
  z.object({
    staffId: Id,
    email: z.string(),
    fromRoles: z.array(z.string()),
    roles: z.array(z.string()),
  }),
);
export type AdminRoleGrantSubject = z.infer<typeof AdminRoleGrantSubject>;

const custom = (roles: string[]) => new Set(roles.filter((role) => !isBuiltInRole(role)));

export const adminRoleGrant = defineKind<AdminRoleGrantSubject>({
  kind: 'admin_role_grant',
  subject: AdminRoleGrantSubject,
  defaultPolicy: { rules: [{ steps: [policyStep('admin', 3 * DAY, 'reject')] }] },
  summary: (s) => `Grant admin to ${s.email} (roles ${s.fromRoles.join(', ') || 'none'} → ${s.roles.join(', ')})`,
  async apply(s, ctx) {
    const member = await findStaff(s.staffId);
    if (!member) throw new OutcomeRefused('The staff member no longer exists');
    const before = custom(member.roles);
    const after = custom(s.roles);
    const change = { added: [...after].filter((r) => !before.has(r)), removed: [...before].filter((r) => !after.has(r)) };
    try {
      await ctx.commit(applyPendingRoles(s.staffId, ctx.approvalId, s.roles, change, member.version, ctx.write));
    } catch (error) {
      if (error instanceof TransactionCancelled && error.failedNames().length > 0) {
        throw new OutcomeRefused(
          error.failed(MEMBER_ACTION)
            ? 'The member changed meanwhile or no longer waits for this role change'
            : 'A custom role of the change no longer exists',
        );
      }
      throw error;
    }
  },
  async reject(s, ctx) {
    try {
      await ctx.commit([clearPendingRoles(s.staffId, ctx.approvalId, ctx.write)]);
    } catch (error) {
      if (error instanceof TransactionCancelled && error.failed(MEMBER_ACTION)) await ctx.commit([]);
      else throw error;
    }
  },
});
