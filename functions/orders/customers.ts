import { grants } from '../shared/auth/permissions';
import type { Principal } from '../shared/auth/principal';
import { ConditionFailed } from '../shared/conditional';
import { decodeCursor, encodeCursor } from '../shared/cursor';
import { conflict, notFound, staleVersion } from '../shared/errors';
import { runIdempotent, type CommandResult, type IdempotentRequest } from '../shared/idempotency';
import { newId } from '../shared/ids';
import { maskEmail, maskPhone } from '../shared/pii';
import { TransactionCancelled, transactWrite } from '../shared/transaction-repository';
import type { WriteContext } from '../shared/write-context';
import {
  customerPut,
  findCustomer,
  findCustomerWithLink,
  LINK_ACTION,
  liveCustomerCheck,
  livePartnerCheck,
  markPartnerLinkDeleted,
  partnerLinkPut,
  type CustomerPartnerLinkRecord,
  insertCustomer,
  markCustomerDeleted,
  markCustomerRestored,
  queryCustomers,
  updateCustomer as updateCustomerItem,
  type CustomerRecord,
} from './customer-repository';
import type { Customer, CustomerPartnerLink, PartnerCustomer } from './schemas';

/** Customers: CRUD with soft delete; personal data (email, phone) masked unless the caller may see it. */

export function canSeePii(principal: Principal): boolean {
  return principal.kind === 'staff' && grants(principal.grants, 'customers:read_pii');
}

export function toCustomer(record: CustomerRecord, showPii: boolean): Customer {
  const { requestId: _r, sourceIp: _s, email, phone, ...rest } = record;
  return {
    ...rest,
    email: showPii ? email : maskEmail(email),
    ...(phone === undefined ? {} : { phone: showPii ? phone : maskPhone(phone) }),
  };
}

function explain(failure: ConditionFailed, expectedVersion: number | undefined, expectDeleted = false): Error {
  const current = failure.current;
  if (!current) return notFound('Customer');
  if (expectDeleted ? !current.deletedAt : current.deletedAt) {
    return expectDeleted ? conflict('The customer is not deleted', 'not-deleted') : notFound('Customer');
  }
  const stale = staleVersion('customer', current.version, expectedVersion);
  if (stale) return stale;
  return conflict('The customer changed while this request ran; read it again and retry');
}

async function mapped<T>(run: () => Promise<T>, expectedVersion: number | undefined, expectDeleted = false): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ConditionFailed) throw explain(error, expectedVersion, expectDeleted);
    throw error;
  }
}

type CustomerInput = { name: string; email: string; phone?: string };

function newCustomer(input: CustomerInput, ctx: WriteContext): CustomerRecord {
  return {
    id: newId(),
    name: input.name,
    email: input.email,
    ...(input.phone === undefined ? {} : { phone: input.phone }),
    version: 1,
    createdAt: ctx.at,
    updatedAt: ctx.at,
    updatedBy: ctx.actor,
  };
}

export async function createCustomer(input: CustomerInput, ctx: WriteContext): Promise<CustomerRecord> {
  const record = newCustomer(input, ctx);
  await insertCustomer(record, ctx);
  return record;
}

export async function getCustomer(id: string): Promise<CustomerRecord> {
  const record = await findCustomer(id);
  if (!record || record.deletedAt) throw notFound('Customer');
  return record;
}

export async function listCustomers(input: { includeDeleted: boolean; limit: number; cursor?: string }) {
  const binding = `admin.customers|${input.includeDeleted}`;
  const page = await queryCustomers(input.includeDeleted, input.limit, decodeCursor(input.cursor, binding));
  return { items: page.items, nextCursor: encodeCursor(page.lastKey, binding) };
}

export function updateCustomer(
  id: string,
  input: { name?: string; email?: string; phone?: string | null },
  expectedVersion: number | undefined,
  ctx: WriteContext,
): Promise<CustomerRecord> {
  return mapped(() => updateCustomerItem(id, input, expectedVersion, ctx), expectedVersion);
}

export async function deleteCustomer(id: string, expectedVersion: number | undefined, ctx: WriteContext): Promise<void> {
  await mapped(() => markCustomerDeleted(id, expectedVersion, ctx), expectedVersion);
}

export function restoreCustomer(id: string, expectedVersion: number | undefined, ctx: WriteContext): Promise<CustomerRecord> {
  return mapped(() => markCustomerRestored(id, expectedVersion, ctx), expectedVersion, true);
}

// ---------------------------------------------------------------------------------------------
// Customers a partner may act for

/** A partner's view of a customer: personal data masked, no internal actor ids or versions. */
export function toPartnerCustomer(record: CustomerRecord): PartnerCustomer {
  const { id, name, email, phone, createdAt, updatedAt } = record;
  return { id, name, email: maskEmail(email), ...(phone === undefined ? {} : { phone: maskPhone(phone) }), createdAt, updatedAt };
}

export function toCustomerPartnerLink(record: CustomerPartnerLinkRecord): CustomerPartnerLink {
  const { customerId, partnerId, origin, createdAt, createdBy } = record;
  return { customerId, partnerId, origin, createdAt, createdBy };
}

/** A (customer, partner) link as written now: who made it, when, from which request. */
export const newPartnerLink = (customerId: string, partnerId: string, origin: CustomerPartnerLinkRecord['origin'], ctx: WriteContext): CustomerPartnerLinkRecord => ({
  customerId,
  partnerId,
  origin,
  createdAt: ctx.at,
  createdBy: ctx.actor,
  updatedAt: ctx.at,
  updatedBy: ctx.actor,
  requestId: ctx.requestId,
  sourceIp: ctx.sourceIp,
});

/**
 * A partner creates a customer it will order for: the customer, the partner's link to them and the
 * idempotency record in ONE transaction.
 */
export function createPartnerCustomer(
  partnerId: string,
  input: CustomerInput,
  idempotency: IdempotentRequest | undefined,
  ctx: WriteContext,
): Promise<CommandResult<PartnerCustomer>> {
  return runIdempotent<PartnerCustomer>(idempotency, ctx, async (record) => {
    const customer = newCustomer(input, ctx);
    const response = { status: 201, body: toPartnerCustomer(customer) };
    await transactWrite([...record(response), customerPut(customer, ctx), partnerLinkPut(newPartnerLink(customer.id, partnerId, 'created', ctx))]);
    return response;
  });
}

/**
 * A customer the partner may act for: one BatchGetItem of the customer and the link. Unknown,
 * deleted, or not the partner's: 404, the same answer for each.
 */
export async function getPartnerCustomer(id: string, partnerId: string): Promise<CustomerRecord> {
  const { customer, link } = await findCustomerWithLink(id, partnerId);
  if (!customer || customer.deletedAt || !link || link.deletedAt) throw notFound('Customer');
  return customer;
}

/**
 * Staff let a partner act for an existing customer: one transaction puts the link, checking that the
 * customer is live and the partner exists. Linking again is a no-op answering the link as it is.
 */
export async function linkCustomerToPartner(customerId: string, partnerId: string, ctx: WriteContext): Promise<CustomerPartnerLink> {
  const link = newPartnerLink(customerId, partnerId, 'linked', ctx);
  try {
    await transactWrite([partnerLinkPut(link), liveCustomerCheck(customerId), livePartnerCheck(partnerId)]);
    return toCustomerPartnerLink(link);
  } catch (error) {
    if (!(error instanceof TransactionCancelled)) throw error;
    if (error.failed('customer')) throw notFound('Customer');
    if (error.failed('partner')) throw notFound('Partner');
    const current = error.current(LINK_ACTION);
    if (error.failed(LINK_ACTION) && current) return toCustomerPartnerLink(current as unknown as CustomerPartnerLinkRecord);
    throw error;
  }
}

/** Staff withdraw a partner's right to act for the customer (its orders stay). No live link: 404. */
export async function unlinkCustomerFromPartner(customerId: string, partnerId: string, ctx: WriteContext): Promise<void> {
  try {
    await markPartnerLinkDeleted(customerId, partnerId, ctx);
  } catch (error) {
    if (error instanceof ConditionFailed) throw notFound('Link to this partner');
    throw error;
  }
}
