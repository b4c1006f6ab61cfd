import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../db';
import { roleKeys, staffKeys } from '../keys';

export interface StaffAccessRecord {
  id: string;
  email: string;
  name: string;
  roles: string[];
  status: 'active' | 'disabled';
}

/**
 * The slice of a staff member that authorization needs, in one strongly consistent read, so a
 * disable is effective on the member's very next request.
 */
export async function getStaffAccess(staffId: string): Promise<StaffAccessRecord | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: tableName(),
      Key: staffKeys.byId(staffId),
      ConsistentRead: true,
      ProjectionExpression: 'id, email, #name, #roles, #status',
      ExpressionAttributeNames: { '#name': 'name', '#roles': 'roles', '#status': 'status' },
    }),
  );
  return Item as StaffAccessRecord | undefined;
}

/**
 * The permissions of custom roles, by name, in one BatchGetItem. Roles that do not exist (or were
 * deleted) are left out; `unprocessed` lists the names DynamoDB did not get to (only under throttling).
 */
export async function getCustomRoleGrants(names: string[]): Promise<{ grants: Record<string, string[]>; unprocessed: string[] }> {
  if (names.length === 0) return { grants: {}, unprocessed: [] };
  const { Responses, UnprocessedKeys } = await documentClient.send(
    new BatchGetCommand({
      RequestItems: {
        [tableName()]: {
          Keys: names.map((name) => roleKeys.byName(name)),
          ProjectionExpression: '#name, #permissions, deletedAt',
          ExpressionAttributeNames: { '#name': 'name', '#permissions': 'permissions' },
        },
      },
    }),
  );
  const grants: Record<string, string[]> = {};
  for (const item of Responses?.[tableName()] ?? []) {
    if (item.deletedAt === undefined) grants[item.name as string] = item.permissions as string[];
  }
  const pending = new Set((UnprocessedKeys?.[tableName()]?.Keys ?? []).map((key) => key.pk as string));
  const unprocessed = names.filter((name) => pending.has(roleKeys.byName(name).pk));
  return { grants, unprocessed };
}
