import { BUILT_IN_ROLES, isBuiltInRole } from '../shared/auth/permissions';
import { ConditionFailed } from '../shared/conditional';
import { decodeCursor, encodeCursor } from '../shared/cursor';
import { conflict, notFound, staleVersion } from '../shared/errors';
import type { WriteContext } from '../shared/write-context';
import { findRole, markRoleDeleted, insertRole, queryRoles, updateRole as updateRoleItem, type RoleRecord } from './role-repository';
import type { RoleView } from './schemas';

/** Roles: the seven built-in ones are fixed in code; custom roles are items anyone with roles:write manages. */

const builtInView = (name: keyof typeof BUILT_IN_ROLES): RoleView => ({ name, permissions: [...BUILT_IN_ROLES[name]], builtIn: true });
const customView = (record: RoleRecord): RoleView => ({ ...record, builtIn: false });
const BUILT_IN_VIEWS = (Object.keys(BUILT_IN_ROLES) as (keyof typeof BUILT_IN_ROLES)[]).map(builtInView);

const refuseBuiltIn = (name: string) => {
  if (isBuiltInRole(name)) throw conflict(`${name} is a built-in role and cannot be changed or deleted`, 'built-in-role');
};

function explain(failure: ConditionFailed, name: string, expectedVersion: number | undefined): Error {
  const current = failure.current;
  if (!current || current.deletedAt) return notFound('Role');
  const stale = staleVersion('role', current.version, expectedVersion);
  if (stale) return stale;
  if (typeof current.assignedCount === 'number' && current.assignedCount > 0) {
    return conflict(`${name} is held by ${current.assignedCount} staff member(s); remove it from them first`, 'role-in-use');
  }
  return conflict('The role changed while this request ran; read it again and retry');
}

/** Built-in roles come first (on the first page), then custom roles by name. */
export async function listRoles(limit: number, cursor: string | undefined) {
  const binding = 'admin.roles';
  const page = await queryRoles(limit, decodeCursor(cursor, binding));
  return { items: [...(cursor ? [] : BUILT_IN_VIEWS), ...page.items.map(customView)], nextCursor: encodeCursor(page.lastKey, binding) };
}

export async function getRole(name: string): Promise<RoleView> {
  if (isBuiltInRole(name)) return builtInView(name);
  const record = await findRole(name);
  if (!record) throw notFound('Role');
  return customView(record);
}

export async function createRole(input: { name: string; description?: string; permissions: string[] }, ctx: WriteContext): Promise<RoleView> {
  if (isBuiltInRole(input.name)) throw conflict(`${input.name} is a built-in role`, 'built-in-role');
  const record: RoleRecord = {
    name: input.name,
    ...(input.description === undefined ? {} : { description: input.description }),
    permissions: [...new Set(input.permissions)],
    assignedCount: 0,
    version: 1,
    createdAt: ctx.at,
    updatedAt: ctx.at,
    updatedBy: ctx.actor,
  };
  try {
    await insertRole(record, ctx);
  } catch (error) {
    if (error instanceof ConditionFailed) throw conflict(`A role named ${input.name} already exists`, 'duplicate-role');
    throw error;
  }
  return customView(record);
}

export async function updateRole(
  name: string,
  input: { description?: string; permissions?: string[] },
  expectedVersion: number | undefined,
  ctx: WriteContext,
): Promise<RoleView> {
  refuseBuiltIn(name);
  const changes = { ...input, ...(input.permissions ? { permissions: [...new Set(input.permissions)] } : {}) };
  try {
    return customView(await updateRoleItem(name, changes, expectedVersion, ctx));
  } catch (error) {
    if (error instanceof ConditionFailed) throw explain(error, name, expectedVersion);
    throw error;
  }
}

export async function deleteRole(name: string, expectedVersion: number | undefined, ctx: WriteContext): Promise<void> {
  refuseBuiltIn(name);
  try {
    await markRoleDeleted(name, expectedVersion, ctx);
  } catch (error) {
    if (error instanceof ConditionFailed) throw explain(error, name, expectedVersion);
    throw error;
  }
}
