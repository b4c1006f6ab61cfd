import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ConditionFailed } from '../shared/conditional';
import { documentClient, tableName } from '../shared/db';
import { getRecord, queryPage, updateRecord } from '../shared/item-repository';
import { GSI2, roleKeys } from '../shared/keys';
import { buildUpdate } from '../shared/update-expression';
import { stampOf, type WriteContext } from '../shared/write-context';

/** A custom role as stored; built-in roles live in code (functions/shared/auth/permissions.ts). */
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
}

export function findRole(name: string): Promise<RoleRecord | undefined> {
  return getRecord<RoleRecord>(roleKeys.byName(name));
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
        ConditionExpression: 'attribute_not_exists(pk)',
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
  return updateRecord<RoleRecord>(roleKeys.byName(name), update, 'attribute_exists(pk)', expectedVersion);
}

/** Deletes a role only while nobody holds it. */
export async function deleteRole(name: string, expectedVersion: number | undefined): Promise<void> {
  try {
    await documentClient.send(
      new DeleteCommand({
        TableName: tableName(),
        Key: roleKeys.byName(name),
        ConditionExpression: 'attribute_exists(pk) AND assignedCount = :zero' + (expectedVersion === undefined ? '' : ' AND version = :expected'),
        ExpressionAttributeValues: { ':zero': 0, ...(expectedVersion === undefined ? {} : { ':expected': expectedVersion }) },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new ConditionFailed(error.Item ? unmarshall(error.Item) : undefined);
    throw error;
  }
}

/**
 * A transaction step moving a custom role's holder count (stamped, so the audit log names who
 * assigned it); fails if the role does not exist. The role's version is left alone: assigning a
 * role is not an edit of it.
 */
export function roleHolderCountChange(name: string, by: 1 | -1, ctx: WriteContext) {
  const update = buildUpdate({ set: stampOf(ctx), increment: { assignedCount: by } });
  return { Update: { TableName: tableName(), Key: roleKeys.byName(name), ...update, ConditionExpression: 'attribute_exists(pk)' } };
}
