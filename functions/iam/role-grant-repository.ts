import { staffKeys } from '../shared/keys';
import type { NamedAction } from '../shared/transaction-repository';
import { buildUpdate } from '../shared/update-expression';
import { updateAction } from '../shared/update-action';
import { stampOf, type WriteContext } from '../shared/write-context';
import { roleHolderCountChange } from './role-repository';

/**
 * The writes of a role change that waits for an approval (granting `admin`, docs/architecture.md#approvals): the member
 * carries `pendingRoleChange` while it waits (no other role change overtakes it); approval sets the
 * roles (moving custom-role holder counts) and lifts the mark, rejection only lifts it. Returned as
 * transaction actions for the approvals module to commit with the approval.
 */

/** Name of the member's action in the approval's transactions (custom roles: roleActionName). */
export const MEMBER_ACTION = 'staff';

export function markRoleChangePending(staffId: string, approvalId: string, roles: string[], expectedVersion: number, ctx: WriteContext): NamedAction {
  const update = buildUpdate({ set: { ...stampOf(ctx), pendingRoleChange: { approvalId, roles } }, increment: { version: 1 } });
  return {
    name: MEMBER_ACTION,
    action: updateAction(staffKeys.byId(staffId), update, 'attribute_exists(pk) AND attribute_not_exists(pendingRoleChange) AND version = :expected', {
      ':expected': expectedVersion,
    }),
  };
}

/** Sets the approved roles on the member read at `version`; custom-role counts move in the same transaction. */
export function applyPendingRoles(
  staffId: string,
  approvalId: string,
  roles: string[],
  change: { added: string[]; removed: string[] },
  version: number,
  ctx: WriteContext,
): NamedAction[] {
  const update = buildUpdate({ set: { ...stampOf(ctx), roles }, remove: ['pendingRoleChange'], increment: { version: 1 } });
  return [
    {
      name: MEMBER_ACTION,
      action: updateAction(staffKeys.byId(staffId), update, 'pendingRoleChange.approvalId = :approval AND version = :expected', {
        ':approval': approvalId,
        ':expected': version,
      }),
    },
    ...change.added.map((role) => roleHolderCountChange(role, 1, ctx)),
    ...change.removed.map((role) => roleHolderCountChange(role, -1, ctx)),
  ];
}

export function clearPendingRoles(staffId: string, approvalId: string, ctx: WriteContext): NamedAction {
  const update = buildUpdate({ set: stampOf(ctx), remove: ['pendingRoleChange'], increment: { version: 1 } });
  return { name: MEMBER_ACTION, action: updateAction(staffKeys.byId(staffId), update, 'pendingRoleChange.approvalId = :approval', { ':approval': approvalId }) };
}
