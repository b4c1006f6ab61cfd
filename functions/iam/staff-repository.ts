import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionFailed, UniqueValueTaken } from '../shared/conditional';
import { documentClient, tableName } from '../shared/db';
import { getRecord, queryPage, updateRecord } from '../shared/item-repository';
import { bootstrapKeys, GSI2, staffKeys, uniqueKeys } from '../shared/keys';
import { TransactionCancelled, transactWrite, type NamedAction } from '../shared/transaction-repository';
import { claimPut, type UniqueClaim } from '../shared/unique-repository';
import { buildUpdate } from '../shared/update-expression';
import { stampOf, type WriteContext } from '../shared/write-context';
import { roleActionName, roleHolderCountChange } from './role-repository';

export interface StaffRecord {
  id: string;
  email: string;
  name: string;
  roles: string[];
  status: 'active' | 'disabled';
  version: number;
  createdAt: string;
  updatedAt?: string;
  updatedBy?: string;
  /** Set while granting admin waits for its approval (functions/iam/role-grant-repository.ts). */
  pendingRoleChange?: { approvalId: string; roles: string[] };
}

/** A custom role named in an assignment does not exist. */
export class UnknownRole extends Error {
  constructor(readonly role: string) {
    super(`Unknown role ${role}`);
    this.name = 'UnknownRole';
  }
}

const emailClaim = (email: string, staffId: string): UniqueClaim => ({ key: uniqueKeys.staffEmail(email), field: 'email', value: email, ownerId: staffId });

/** Names of the actions of a member's transactions (custom roles: roleActionName). */
const STAFF_ACTION = { staff: 'staff', email: 'email', releasedEmail: 'releasedEmail' } as const;

/** Runs a transaction and names what failed: the email's claim, a role granted that does not exist, or the member's condition. */
async function transact(actions: NamedAction[], grantedRoles: string[] = []) {
  try {
    await transactWrite(actions);
  } catch (error) {
    if (!(error instanceof TransactionCancelled)) throw error;
    if (error.failed(STAFF_ACTION.email)) throw new UniqueValueTaken('email');
    const missing = grantedRoles.find((role) => error.failed(roleActionName(role)));
    if (missing !== undefined) throw new UnknownRole(missing);
    throw new ConditionFailed(undefined);
  }
}

/** Creates a member, claims the email and counts them in each custom role, in one transaction. */
export async function insertStaff(staff: StaffRecord, customRoles: string[], ctx: WriteContext): Promise<void> {
  await transact(
    [
      { name: STAFF_ACTION.staff, action: newStaffPut(staff, ctx) },
      { name: STAFF_ACTION.email, action: claimPut(emailClaim(staff.email, staff.id), ctx) },
      ...customRoles.map((role) => roleHolderCountChange(role, 1, ctx)),
    ],
    customRoles,
  );
}

/** A new member's item, in their list partition; it must not exist yet. */
function newStaffPut(staff: StaffRecord, ctx: WriteContext): NamedAction['action'] {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...staffKeys.byId(staff.id), ...staffKeys.all(staff.createdAt, staff.id), entityType: 'staff', ...staff, ...stampOf(ctx) },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Names of the actions of {@link firstAdminActions}. */
export const FIRST_ADMIN_ACTION = { staff: 'staff', email: 'email', marker: 'bootstrap' } as const;

/**
 * The first admin of a deployment, for one transaction: the member, their email claim, and the
 * `BOOTSTRAP#admin` marker, which exists only once — so two bootstraps can never both succeed.
 */
export function firstAdminActions(staff: StaffRecord, ctx: WriteContext): NamedAction[] {
  return [
    { name: FIRST_ADMIN_ACTION.staff, action: newStaffPut(staff, ctx) },
    { name: FIRST_ADMIN_ACTION.email, action: claimPut(emailClaim(staff.email, staff.id), ctx) },
    {
      name: FIRST_ADMIN_ACTION.marker,
      action: {
        Put: {
          TableName: tableName(),
          Item: { ...bootstrapKeys.firstAdmin(), entityType: 'bootstrap', staffId: staff.id, ...stampOf(ctx) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    },
  ];
}

export function findStaff(id: string): Promise<StaffRecord | undefined> {
  return getRecord<StaffRecord>(staffKeys.byId(id));
}

export function queryStaff(limit: number, startKey?: Record<string, unknown>) {
  return queryPage<StaffRecord>({ index: GSI2, partition: staffKeys.allPartition(), limit, startKey });
}

/** The staff id owning an email, from its uniqueness claim (one read). */
export async function findStaffIdByEmail(email: string): Promise<string | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: uniqueKeys.staffEmail(email) }));
  return Item?.ownerId as string | undefined;
}

/**
 * Replaces the roles of the member read at `current.version`, moving custom-role holder counts in
 * the same transaction (so a role can't be deleted while held, nor assigned after it was deleted).
 */
export async function replaceStaffRoles(
  current: StaffRecord,
  roles: string[],
  change: { added: string[]; removed: string[] },
  ctx: WriteContext,
): Promise<StaffRecord> {
  const update = buildUpdate({ set: { ...stampOf(ctx), roles, version: current.version + 1 } });
  await transact(
    [
      {
        name: STAFF_ACTION.staff,
        action: {
          Update: {
            TableName: tableName(),
            Key: staffKeys.byId(current.id),
            ...update,
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':expected': current.version },
          },
        },
      },
      ...change.added.map((role) => roleHolderCountChange(role, 1, ctx)),
      ...change.removed.map((role) => roleHolderCountChange(role, -1, ctx)),
    ],
    change.added,
  );
  return { ...current, ...stampOf(ctx), roles, version: current.version + 1 };
}

/** Condition that keeps non-admins from changing admins, evaluated by DynamoDB in the same request. */
function guard(protectAdmins: boolean) {
  return protectAdmins ? { condition: ' AND NOT contains(#roles, :admin)', names: { '#roles': 'roles' }, values: { ':admin': 'admin' } } : undefined;
}

export async function updateStaffFields(
  id: string,
  set: Record<string, unknown>,
  expectedVersion: number | undefined,
  ctx: WriteContext,
  options: { onlyIfStatus?: StaffRecord['status']; protectAdmins: boolean },
): Promise<StaffRecord> {
  const update = buildUpdate({ set: { ...stampOf(ctx), ...set }, increment: { version: 1 } });
  const admins = guard(options.protectAdmins);
  const status = options.onlyIfStatus
    ? { condition: ' AND #status = :status', names: { '#status': 'status' }, values: { ':status': options.onlyIfStatus } }
    : undefined;
  return updateRecord<StaffRecord>(
    staffKeys.byId(id),
    {
      ...update,
      ExpressionAttributeNames: { ...update.ExpressionAttributeNames, ...admins?.names, ...status?.names },
      ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...admins?.values, ...status?.values },
    },
    'attribute_exists(pk)' + (status?.condition ?? '') + (admins?.condition ?? ''),
    expectedVersion,
  );
}

/** An email change moves the uniqueness claim, conditioned on the version read. */
export async function changeStaffEmail(current: StaffRecord, email: string, set: Record<string, unknown>, ctx: WriteContext): Promise<StaffRecord> {
  const update = buildUpdate({ set: { ...stampOf(ctx), ...set, email, version: current.version + 1 } });
  await transact([
    {
      name: STAFF_ACTION.staff,
      action: {
        Update: {
          TableName: tableName(),
          Key: staffKeys.byId(current.id),
          ...update,
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':expected': current.version },
        },
      },
    },
    {
      name: STAFF_ACTION.releasedEmail,
      action: {
        Delete: {
          TableName: tableName(),
          Key: uniqueKeys.staffEmail(current.email),
          ConditionExpression: 'ownerId = :owner',
          ExpressionAttributeValues: { ':owner': current.id },
        },
      },
    },
    { name: STAFF_ACTION.email, action: claimPut(emailClaim(email, current.id), ctx) },
  ]);
  return { ...current, ...stampOf(ctx), ...set, email, version: current.version + 1 } as StaffRecord;
}
