import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionFailed } from '../shared/conditional';
import { documentClient, tableName } from '../shared/db';
import { getRecord, queryPage, updateRecord } from '../shared/item-repository';
import { GSI2, roleKeys } from '../shared/keys';
import type { NamedAction } from '../shared/transaction-repository';
import { buildUpdate } from '../shared/update-expression';
import { stampOf, type WriteContext } from '../shared/write-context';

/**
 * A custom role as stored; built-in roles live in code (functions/shared/auth/permissions.ts).
 * A deleted role stays as a stamped tombstone (`deletedAt/deletedBy`, out of the list index) so the
 * audit log names who deleted it; it grants nothing, cannot be assigned or changed, and creating a
 * role of the same name replaces it.
 */
export interface RoleRecord {
  name: string;
  description?: string;
  permissions: string[];
  /** Staff members holding the role, kept in the same transactions that assign it. */
  assignedCount: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  deletedAt?: string;
  deletedBy?: string;
}

const LIVE_ROLE = 'attribute_exists(pk) AND attribute_not_exists(deletedAt)';

/** A live custom role (a deleted one is not found). */
export async function findRole(name: string): Promise<RoleRecord | undefined> {
  const record = await getRecord<RoleRecord>(roleKeys.byName(name));
  return record && !record.deletedAt ? record : undefined;
}

export function queryRoles(limit: number, startKey?: Record<string, unknown>) {
  return queryPage<RoleRecord>({ index: GSI2, partition: roleKeys.allPartition(), limit, startKey, descending: false });
}

export async function insertRole(role: RoleRecord, ctx: WriteContext): Promise<void> {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...roleKeys.byName(role.name), ...roleKeys.all(role.name), entityType: 'role', ...role, ...stampOf(ctx) },
        // A deleted role's tombstone is replaced: the name is free again.
        ConditionExpression: 'attribute_not_exists(pk) OR attribute_exists(deletedAt)',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new ConditionFailed({ name: role.name });
    throw error;
  }
}

export function updateRole(
  name: string,
  changes: { description?: string; permissions?: string[] },
  expectedVersion: number | undefined,
  ctx: WriteContext,
): Promise<RoleRecord> {
  const update = buildUpdate({ set: { ...stampOf(ctx), ...changes }, increment: { version: 1 } });
  return updateRecord<RoleRecord>(roleKeys.byName(name), update, LIVE_ROLE, expectedVersion);
}

/**
 * Deletes a role only while nobody holds it: one conditional UpdateItem that stamps the deleter
 * (`deletedAt/deletedBy` and the write stamp) and takes the role out of the list index. A soft delete,
 * like products and customers, because a hard delete carries no stamp: its audit entry would name
 * the role's last writer instead of the deleter.
 */
export function markRoleDeleted(name: string, expectedVersion: number | undefined, ctx: WriteContext): Promise<RoleRecord> {
  const update = buildUpdate({ set: { ...stampOf(ctx), deletedAt: ctx.at, deletedBy: ctx.actor }, remove: ['gsi2pk', 'gsi2sk'], increment: { version: 1 } });
  return updateRecord<RoleRecord>(
    roleKeys.byName(name),
    { ...update, ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':zero': 0 } },
    `${LIVE_ROLE} AND assignedCount = :zero`,
    expectedVersion,
  );
}

/**
 * A transaction step moving a custom role's holder count (stamped, so the audit log names who
 * assigned it); fails if the role does not exist (or, when it is granted, was deleted). The role's version is left alone: assigning a
 * role is not an edit of it.
 */
export function roleHolderCountChange(name: string, by: 1 | -1, ctx: WriteContext): NamedAction {
  const update = buildUpdate({ set: stampOf(ctx), increment: { assignedCount: by } });
  return {
    name: roleActionName(name),
    action: { Update: { TableName: tableName(), Key: roleKeys.byName(name), ...update, ConditionExpression: by === 1 ? LIVE_ROLE : 'attribute_exists(pk)' } },
  };
}

/** The name of a role's holder-count action in a transaction. */
export const roleActionName = (name: string) => `role:${name}`;
