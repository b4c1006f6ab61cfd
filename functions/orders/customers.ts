import { grants } from '../shared/auth/permissions';
import type { Principal } from '../shared/auth/principal';
import { ConditionFailed } from '../shared/conditional';
import { decodeCursor, encodeCursor } from '../shared/cursor';
import { conflict, notFound, staleVersion } from '../shared/errors';
import { newId } from '../shared/ids';
import type { WriteContext } from '../shared/write-context';
import {
  findCustomer,
  insertCustomer,
  markCustomerDeleted,
  markCustomerRestored,
  queryCustomers,
  updateCustomer as updateCustomerItem,
  type CustomerRecord,
} from './customer-repository';
import type { Customer } from './schemas';

/** Customers: CRUD with soft delete; personal data (email, phone) masked unless the caller may see it. */

/** `jane.doe@example.com` → `j***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** Every digit but the last two becomes `*`: `+49 170 1234567` → `+** *** *****67`. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '').length;
  let seen = 0;
  return phone.replace(/\d/g, (digit) => (++seen > digits - 2 ? digit : '*'));
}

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

export async function createCustomer(input: { name: string; email: string; phone?: string }, ctx: WriteContext): Promise<CustomerRecord> {
  const record: CustomerRecord = {
    id: newId(),
    name: input.name,
    email: input.email,
    ...(input.phone === undefined ? {} : { phone: input.phone }),
    version: 1,
    createdAt: ctx.at,
    updatedAt: ctx.at,
    updatedBy: ctx.actor,
  };
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
