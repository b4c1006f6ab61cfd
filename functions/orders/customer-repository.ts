import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../shared/db';
import { getRecord, queryPage, recordOf, updateRecord } from '../shared/item-repository';
import { customerKeys, DELETED, GSI1, LIVE, partnerKeys } from '../shared/keys';
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

/**
 * A partner may act for a customer (place orders for them) while a live link item (customer,
 * partner) exists: written when the partner creates the customer through the partner API
 * (`origin: created`) or when staff link them (`linked`). Unlinking marks it deleted (the audit log
 * names who unlinked); linking again replaces the tombstone.
 */
export interface CustomerPartnerLinkRecord {
  customerId: string;
  partnerId: string;
  origin: 'created' | 'linked';
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  requestId?: string;
  sourceIp?: string;
  deletedAt?: string;
  deletedBy?: string;
}

/** The item exists and was not (soft) deleted: a customer, a link, a partner. */
const LIVE_ITEM = 'attribute_exists(pk) AND attribute_not_exists(deletedAt)';
const LIVE_CUSTOMER = LIVE_ITEM;
const LIVE_LINK = LIVE_ITEM;

const customerItem = (customer: CustomerRecord, ctx: WriteContext) => ({
  ...customerKeys.byId(customer.id),
  ...customerKeys.all(LIVE, customer.id),
  entityType: 'customer',
  ...customer,
  ...stampOf(ctx),
});

export async function insertCustomer(customer: CustomerRecord, ctx: WriteContext): Promise<void> {
  await documentClient.send(new PutCommand({ TableName: tableName(), Item: customerItem(customer, ctx), ConditionExpression: 'attribute_not_exists(pk)' }));
}

/** Transaction step: a new customer. */
export function customerPut(customer: CustomerRecord, ctx: WriteContext): NamedAction {
  return { name: 'customer', action: { Put: { TableName: tableName(), Item: customerItem(customer, ctx), ConditionExpression: 'attribute_not_exists(pk)' } } };
}

/** Name of the link's action in a transaction. */
export const LINK_ACTION = 'customerLink';

/**
 * Transaction step: puts the link unless a live one exists (a tombstone is replaced); on a lost
 * condition DynamoDB returns the live link (ALL_OLD).
 */
export function partnerLinkPut(link: CustomerPartnerLinkRecord): NamedAction {
  return {
    name: LINK_ACTION,
    action: {
      Put: {
        TableName: tableName(),
        Item: { ...customerKeys.partnerLink(link.customerId, link.partnerId), entityType: 'customer_partner', ...link },
        ConditionExpression: 'attribute_not_exists(pk) OR attribute_exists(deletedAt)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
  };
}

/** Transaction step: the partner may act for the customer (a live link exists). */
export function partnerLinkCheck(customerId: string, partnerId: string): NamedAction {
  return {
    name: LINK_ACTION,
    action: { ConditionCheck: { TableName: tableName(), Key: customerKeys.partnerLink(customerId, partnerId), ConditionExpression: LIVE_LINK } },
  };
}

/** Unlinks: marks the live link deleted, stamped with who did it. ConditionFailed when there is none. */
export function markPartnerLinkDeleted(customerId: string, partnerId: string, ctx: WriteContext): Promise<CustomerPartnerLinkRecord> {
  const update = buildUpdate({ set: { ...stampOf(ctx), deletedAt: ctx.at, deletedBy: ctx.actor } });
  return updateRecord<CustomerPartnerLinkRecord>(customerKeys.partnerLink(customerId, partnerId), update, LIVE_LINK);
}

/**
 * Creates the link unless one exists, live or unlinked (seeding the demo partner's customers: a link
 * staff withdrew stays withdrawn); true when created.
 */
export async function insertPartnerLinkIfAbsent(link: CustomerPartnerLinkRecord): Promise<boolean> {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...customerKeys.partnerLink(link.customerId, link.partnerId), entityType: 'customer_partner', ...link },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * The customer and the partner's link to them in one strongly consistent BatchGetItem (keys
 * DynamoDB left unprocessed are asked again).
 */
export async function findCustomerWithLink(customerId: string, partnerId: string): Promise<{ customer?: CustomerRecord; link?: CustomerPartnerLinkRecord }> {
  const customerKey = customerKeys.byId(customerId);
  let keys: Record<string, unknown>[] = [{ ...customerKey }, { ...customerKeys.partnerLink(customerId, partnerId) }];
  const found: { customer?: CustomerRecord; link?: CustomerPartnerLinkRecord } = {};
  while (keys.length > 0) {
    const { Responses, UnprocessedKeys } = await documentClient.send(
      new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys, ConsistentRead: true } } }),
    );
    for (const item of Responses?.[tableName()] ?? []) {
      if (item.sk === customerKey.sk) found.customer = recordOf<CustomerRecord>(item);
      else found.link = recordOf<CustomerPartnerLinkRecord>(item);
    }
    keys = (UnprocessedKeys?.[tableName()]?.Keys as Record<string, unknown>[] | undefined) ?? [];
  }
  return found;
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

/** Transaction step: the partner exists and was not deleted (staff link customers to it). */
export function livePartnerCheck(partnerId: string): NamedAction {
  return { name: 'partner', action: { ConditionCheck: { TableName: tableName(), Key: partnerKeys.byId(partnerId), ConditionExpression: LIVE_ITEM } } };
}
