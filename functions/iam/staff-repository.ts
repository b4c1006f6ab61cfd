import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../shared/db';
import { staffKeys, uniqueKeys } from '../shared/keys';
import { insertWithClaims } from '../shared/unique-repository';
import { stampOf, type WriteContext } from '../shared/write-context';

export interface StaffRecord {
  id: string;
  email: string;
  name: string;
  roles: string[];
  status: 'active' | 'disabled';
  version: number;
  createdAt: string;
}

/** Creates a staff member and claims the (case-insensitive) email in one transaction. */
export function insertStaff(staff: StaffRecord, ctx: WriteContext): Promise<void> {
  return insertWithClaims(
    { ...staffKeys.byId(staff.id), ...staffKeys.all(staff.createdAt, staff.id), entityType: 'staff', ...staff, ...stampOf(ctx) },
    [{ key: uniqueKeys.staffEmail(staff.email), field: 'email', value: staff.email, ownerId: staff.id }],
    ctx,
  );
}

/** The staff id owning an email, from its uniqueness claim (one read). */
export async function findStaffIdByEmail(email: string): Promise<string | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: uniqueKeys.staffEmail(email) }));
  return Item?.ownerId as string | undefined;
}
