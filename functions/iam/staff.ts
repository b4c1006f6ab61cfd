import { toView } from '../approvals/approval-state';
import { adminRoleGrant } from './admin-grant-approval';
import { approvalSteps, requestApproval } from '../approvals/request';
import type { ApprovalView } from '../approvals/schemas';
import { isBuiltInRole } from '../shared/auth/permissions';
import type { StaffPrincipal } from '../shared/auth/principal';
import { ConditionFailed, UniqueValueTaken } from '../shared/conditional';
import { decodeCursor, encodeCursor } from '../shared/cursor';
import { assertVersion, badRequest, conflict, forbidden, notFound, staleVersion } from '../shared/errors';
import { newId } from '../shared/ids';
import { TransactionCancelled } from '../shared/transaction-repository';
import type { WriteContext } from '../shared/write-context';
import { findRole } from './role-repository';
import { MEMBER_ACTION, markRoleChangePending } from './role-grant-repository';
import type { StaffView } from './schemas';
import {
  changeStaffEmail,
  findStaff,
  insertStaff,
  queryStaff,
  replaceStaffRoles,
  UnknownRole,
  updateStaffFields,
  type StaffRecord,
} from './staff-repository';

/**
 * Staff rules: unique email; nobody changes their own roles or disables themselves; only an admin
 * changes an admin; granting the admin role waits for an approval (default policy: admin_role_grant →
 * admin), which anyone who may write staff can request — if the policy asks for none, only an admin
 * grants it directly.
 */

const ADMIN = 'admin';
const isAdmin = (caller: StaffPrincipal) => caller.roles.includes(ADMIN);

export function toStaffView(record: StaffRecord): StaffView {
  return {
    id: record.id,
    email: record.email,
    name: record.name,
    roles: record.roles,
    status: record.status,
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt ?? record.createdAt,
    updatedBy: record.updatedBy ?? 'system:unknown',
    ...(record.pendingRoleChange ? { pendingRoleChange: record.pendingRoleChange } : {}),
  };
}

const customRolesOf = (roles: string[]) => roles.filter((role) => !isBuiltInRole(role));
const duplicateEmail = (email: string) => conflict(`A staff member with email ${email} already exists`, 'duplicate-email');
const unknownRole = (error: UnknownRole) => badRequest(`There is no role named ${error.role}`, [{ path: 'body.roles', message: `Unknown role ${error.role}` }]);
const onlyAdmins = () => forbidden('Only an admin can grant the admin role or change an admin');

function explain(failure: ConditionFailed, expectedVersion: number | undefined, caller: StaffPrincipal): Error {
  const current = failure.current;
  if (!current) return notFound('Staff member');
  const stale = staleVersion('staff member', current.version, expectedVersion);
  if (stale) return stale;
  if (!isAdmin(caller) && Array.isArray(current.roles) && current.roles.includes(ADMIN)) return onlyAdmins();
  return conflict('The staff member changed while this request ran; read it again and retry');
}

export async function createStaff(input: { email: string; name: string; roles: string[] }, caller: StaffPrincipal, ctx: WriteContext): Promise<StaffView> {
  if (input.roles.includes(ADMIN) && !isAdmin(caller)) throw onlyAdmins();
  // Granting admin always goes through an approval (docs/architecture.md#approvals); creating a member is no way around it.
  if (input.roles.includes(ADMIN)) {
    throw conflict('The admin role is granted through an approval: create the member without it, then PUT /staff/{id}/roles', 'approval-required');
  }
  const record: StaffRecord = {
    id: newId(),
    email: input.email,
    name: input.name,
    roles: input.roles,
    status: 'active',
    version: 1,
    createdAt: ctx.at,
    updatedAt: ctx.at,
    updatedBy: ctx.actor,
  };
  try {
    await insertStaff(record, customRolesOf(input.roles), ctx);
  } catch (error) {
    if (error instanceof UniqueValueTaken) throw duplicateEmail(input.email);
    if (error instanceof UnknownRole) throw unknownRole(error);
    throw error;
  }
  return toStaffView(record);
}

export async function getStaff(id: string): Promise<StaffView> {
  const record = await findStaff(id);
  if (!record) throw notFound('Staff member');
  return toStaffView(record);
}

export async function listStaff(limit: number, cursor: string | undefined) {
  const binding = 'admin.staff';
  const page = await queryStaff(limit, decodeCursor(cursor, binding));
  return { items: page.items.map(toStaffView), nextCursor: encodeCursor(page.lastKey, binding) };
}

async function readForChange(id: string, expectedVersion: number | undefined, caller: StaffPrincipal): Promise<StaffRecord> {
  const current = await findStaff(id);
  if (!current) throw notFound('Staff member');
  assertVersion('staff member', current.version, expectedVersion);
  if (current.roles.includes(ADMIN) && !isAdmin(caller)) throw onlyAdmins();
  return current;
}

/**
 * Replaces a member's roles: read, then one transaction on the version read (custom-role counts move
 * with it). Granting admin instead stores an approval (the member is marked, nothing else changes).
 */
export async function setStaffRoles(
  id: string,
  roles: string[],
  caller: StaffPrincipal,
  expectedVersion: number | undefined,
  ctx: WriteContext,
): Promise<{ staff: StaffView } | { approval: ApprovalView }> {
  if (id === caller.id) throw forbidden('You cannot change your own roles');
  const current = await readForChange(id, expectedVersion, caller);
  if (current.pendingRoleChange) {
    throw conflict(`A role change of this member waits for approval ${current.pendingRoleChange.approvalId}`, 'approval-pending');
  }
  if (roles.includes(ADMIN) && !current.roles.includes(ADMIN)) {
    const approval = await requestAdminGrant(current, roles, ctx);
    if (approval) return { approval };
    if (!isAdmin(caller)) throw onlyAdmins();
  }
  return { staff: await replaceRoles(current, roles, ctx) };
}

/** Stores an admin_role_grant approval for the change (undefined when the policy asks for none). */
async function requestAdminGrant(current: StaffRecord, roles: string[], ctx: WriteContext): Promise<ApprovalView | undefined> {
  const subject = { staffId: current.id, email: current.email, fromRoles: current.roles, roles };
  const steps = await approvalSteps(adminRoleGrant, subject);
  if (steps.length === 0) return undefined;
  // Custom roles must exist now, not only when the approval is applied.
  for (const role of customRolesOf(roles)) {
    if (!(await findRole(role))) throw unknownRole(new UnknownRole(role));
  }
  try {
    const approval = await requestApproval(adminRoleGrant, subject, steps, (approval) => [markRoleChangePending(current.id, approval.id, roles, current.version, ctx)], ctx);
    return toView(approval);
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failed(MEMBER_ACTION)) throw conflict('The staff member changed while this request ran; read it again and retry');
    throw error;
  }
}

async function replaceRoles(current: StaffRecord, roles: string[], ctx: WriteContext): Promise<StaffView> {
  const before = new Set(customRolesOf(current.roles));
  const after = new Set(customRolesOf(roles));
  const change = { added: [...after].filter((r) => !before.has(r)), removed: [...before].filter((r) => !after.has(r)) };
  try {
    return toStaffView(await replaceStaffRoles(current, roles, change, ctx));
  } catch (error) {
    if (error instanceof UnknownRole) throw unknownRole(error);
    if (error instanceof ConditionFailed) throw conflict('The staff member changed while this request ran; read it again and retry');
    throw error;
  }
}

export async function updateStaff(
  id: string,
  input: { email?: string; name?: string },
  caller: StaffPrincipal,
  expectedVersion: number | undefined,
  ctx: WriteContext,
): Promise<StaffView> {
  const { email, ...rest } = input;
  try {
    if (email === undefined) {
      return toStaffView(await updateStaffFields(id, rest, expectedVersion, ctx, { protectAdmins: !isAdmin(caller) }));
    }
    const current = await readForChange(id, expectedVersion, caller);
    if (current.email === email) return toStaffView(await updateStaffFields(id, rest, current.version, ctx, { protectAdmins: !isAdmin(caller) }));
    return toStaffView(await changeStaffEmail(current, email, rest, ctx));
  } catch (error) {
    if (error instanceof UniqueValueTaken) throw duplicateEmail(email!);
    if (error instanceof ConditionFailed) throw explain(error, expectedVersion, caller);
    throw error;
  }
}

/** Disabling is effective on the member's next request: authorization reads their status every time. */
export async function setStaffStatus(
  id: string,
  status: 'active' | 'disabled',
  caller: StaffPrincipal,
  expectedVersion: number | undefined,
  ctx: WriteContext,
): Promise<StaffView> {
  if (id === caller.id) throw conflict('You cannot enable or disable your own account', 'own-account');
  const from = status === 'disabled' ? 'active' : 'disabled';
  try {
    return toStaffView(await updateStaffFields(id, { status }, expectedVersion, ctx, { onlyIfStatus: from, protectAdmins: !isAdmin(caller) }));
  } catch (error) {
    if (error instanceof ConditionFailed && error.current?.status === status) {
      throw conflict(`The staff member is already ${status}`, `already-${status}`);
    }
    if (error instanceof ConditionFailed) throw explain(error, expectedVersion, caller);
    throw error;
  }
}
