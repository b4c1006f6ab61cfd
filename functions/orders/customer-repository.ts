import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../shared/db';
import { getRecord, queryPage, updateRecord } from '../shared/item-repository';
import { customerKeys, DELETED, GSI1, LIVE } from '../shared/keys';
import type { NamedAction } from '../shared/transaction-repository';
import { buildUpdate } from '../shared/update-expression';
import { stampOf, type WriteContext } from '../shared/write-context';

export interface CustomerRecord {
  id: string;
  name: string;
  email: string;
  phone?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  requestId?: string;
  sourceIp?: string;
  deletedAt?: string;
  deletedBy?: string;
}

const LIVE_CUSTOMER = 'attribute_exists(pk) AND attribute_not_exists(deletedAt)';

export async function insertCustomer(customer: CustomerRecord, ctx: WriteContext): Promise<void> {
  await documentClient.send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...customerKeys.byId(customer.id), ...customerKeys.all(LIVE, customer.id), entityType: 'customer', ...customer, ...stampOf(ctx) },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** Creates the customer unless one with that id exists (seeding fixed demo ids); true when created. */
export async function insertCustomerIfAbsent(customer: CustomerRecord, ctx: WriteContext): Promise<boolean> {
  try {
    await insertCustomer(customer, ctx);
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export function findCustomer(id: string): Promise<CustomerRecord | undefined> {
  return getRecord<CustomerRecord>(customerKeys.byId(id));
}

/** One Query on gsi1: live customers newest first, then (with includeDeleted) the deleted ones. */
export function queryCustomers(includeDeleted: boolean, limit: number, startKey?: Record<string, unknown>) {
  return queryPage<CustomerRecord>({
    index: GSI1,
    partition: customerKeys.allPartition(),
    ...(includeDeleted ? {} : { sortPrefix: customerKeys.liveSortPrefix() }),
    limit,
    startKey,
  });
}

export function updateCustomer(
  id: string,
  changes: { name?: string; email?: string; phone?: string | null },
  expectedVersion: number | undefined,
  ctx: WriteContext,
): Promise<CustomerRecord> {
  const { phone, ...rest } = changes;
  const update = buildUpdate({
    set: { ...stampOf(ctx), ...rest, ...(phone === null ? {} : { phone }) },
    remove: phone === null ? ['phone'] : [],
    increment: { version: 1 },
  });
  return updateRecord<CustomerRecord>(customerKeys.byId(id), update, LIVE_CUSTOMER, expectedVersion);
}

export function markCustomerDeleted(id: string, expectedVersion: number | undefined, ctx: WriteContext): Promise<CustomerRecord> {
  const update = buildUpdate({
    set: { ...stampOf(ctx), deletedAt: ctx.at, deletedBy: ctx.actor, gsi1sk: customerKeys.sortKeyOf(DELETED, id) },
    increment: { version: 1 },
  });
  return updateRecord<CustomerRecord>(customerKeys.byId(id), update, LIVE_CUSTOMER, expectedVersion);
}

export function markCustomerRestored(id: string, expectedVersion: number | undefined, ctx: WriteContext): Promise<CustomerRecord> {
  const update = buildUpdate({
    set: { ...stampOf(ctx), gsi1sk: customerKeys.sortKeyOf(LIVE, id) },
    remove: ['deletedAt', 'deletedBy'],
    increment: { version: 1 },
  });
  return updateRecord<CustomerRecord>(customerKeys.byId(id), update, 'attribute_exists(deletedAt)', expectedVersion);
}

/** Transaction step: the customer exists and is not deleted (orders can only be placed for live customers). */
export function liveCustomerCheck(customerId: string): NamedAction {
  return {
    name: 'customer',
    action: {
      ConditionCheck: {
        TableName: tableName(),
        Key: customerKeys.byId(customerId),
        ConditionExpression: LIVE_CUSTOMER,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
  };
}
