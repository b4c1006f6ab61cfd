import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../db';
import { staffKeys } from '../keys';

export interface StaffAccessRecord {
  id: string;
  email: string;
  roles: string[];
  status: 'active' | 'disabled';
}

/** The slice of a staff member that authorization needs, in one read. */
export async function getStaffAccess(staffId: string): Promise<StaffAccessRecord | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: tableName(),
      Key: staffKeys.byId(staffId),
      ProjectionExpression: 'id, email, #roles, #status',
      ExpressionAttributeNames: { '#roles': 'roles', '#status': 'status' },
    }),
  );
  return Item as StaffAccessRecord | undefined;
}
