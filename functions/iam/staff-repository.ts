import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { UniqueValueTaken } from '../shared/conditional';
import { documentClient, tableName } from '../shared/db';
import { staffKeys, uniqueKeys } from '../shared/keys';
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
export async function insertStaff(staff: StaffRecord, ctx: WriteContext): Promise<void> {
  try {
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: { ...staffKeys.byId(staff.id), ...staffKeys.all(staff.createdAt, staff.id), entityType: 'staff', ...staff, ...stampOf(ctx) },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: tableName(),
              Item: { ...uniqueKeys.staffEmail(staff.email), entityType: 'unique', kind: 'email', value: staff.email, ownerId: staff.id, ...stampOf(ctx) },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (error instanceof TransactionCanceledException && error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed') {
      throw new UniqueValueTaken('email');
    }
    throw error;
  }
}

/** The staff id owning an email, from its uniqueness claim (one read). */
export async function findStaffIdByEmail(email: string): Promise<string | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: uniqueKeys.staffEmail(email) }));
  return Item?.ownerId as string | undefined;
}
