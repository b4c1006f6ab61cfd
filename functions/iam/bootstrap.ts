import { conflict } from '../shared/errors';
import { validate } from '../shared/http/validation';
import { newId } from '../shared/ids';
import { transactWrite, TransactionCancelled } from '../shared/transaction-repository';
import type { WriteContext } from '../shared/write-context';
import { CreateStaffBody } from './schemas';
import { FIRST_ADMIN_ACTION, firstAdminActions, queryStaff, type StaffRecord } from './staff-repository';

/**
 * The first admin of a fresh deployment (`npm run bootstrap-admin`): nobody can create them through
 * the API yet. Refused once any admin exists — checked by reading the staff list, and made atomic by
 * the `BOOTSTRAP#admin` marker written in the same transaction as the member.
 */
const ADMIN = 'admin';
const STAFF_PAGE = 100;

export const alreadyBootstrapped = () => conflict('The first admin was already created: add more staff through the admin API', 'already-bootstrapped');
export const adminExists = (email: string) => conflict(`An admin already exists (${email}): add more staff through the admin API`, 'admin-exists');

async function findAnyAdmin(): Promise<StaffRecord | undefined> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await queryStaff(STAFF_PAGE, startKey);
    const admin = page.items.find((member) => member.roles.includes(ADMIN));
    if (admin) return admin;
    startKey = page.lastKey;
  } while (startKey);
  return undefined;
}

/** The checked email (lower case) and name; a bad one is a 400 naming `options.email` / `options.name`. */
export function firstAdminInput(input: { email: string; name: string }): { email: string; name: string } {
  const { email, name } = validate(CreateStaffBody, { email: input.email, name: input.name }, 'options');
  return { email, name };
}

export async function bootstrapFirstAdmin(input: { email: string; name: string }, ctx: WriteContext): Promise<StaffRecord> {
  const { email, name } = firstAdminInput(input);
  const existing = await findAnyAdmin();
  if (existing) throw adminExists(existing.email);
  const staff: StaffRecord = { id: newId(), email, name, roles: [ADMIN], status: 'active', version: 1, createdAt: ctx.at };
  try {
    await transactWrite(firstAdminActions(staff, ctx));
  } catch (error) {
    if (!(error instanceof TransactionCancelled)) throw error;
    if (error.failed(FIRST_ADMIN_ACTION.marker)) throw alreadyBootstrapped();
    if (error.failed(FIRST_ADMIN_ACTION.email)) throw conflict(`A staff member with email ${email} already exists`, 'duplicate-email');
    throw error;
  }
  return staff;
}
