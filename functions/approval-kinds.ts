import { approvalKindRegistry } from './approvals/kind';
import { priceChange } from './catalog/price-change-approval';
import { stockWriteOff } from './catalog/write-off-approval';
import { contentPublish } from './content/publish-approval';
import { refund } from './finance/refund-approval';
import { adminRoleGrant } from './iam/admin-grant-approval';
import { findRole } from './iam/role-repository';

/**
 * What the approvals engine is composed with, as functions/routes.ts composes the routes: the kinds
 * it runs (each lives with its subject's module) and where custom roles are looked up. Only the
 * engine's Lambda entries (functions/approvals/handler.ts, workflow.ts) read this file; the modules
 * that request approvals import their own kind.
 */
export const approvalKinds = approvalKindRegistry({
  refund,
  price_change: priceChange,
  stock_write_off: stockWriteOff,
  content_publish: contentPublish,
  admin_role_grant: adminRoleGrant,
});

/** The policy in force until someone stores one: each kind's default rules. */
export const DEFAULT_POLICY = approvalKinds.defaultPolicy;

/** Whether a custom role exists (a policy may name only existing roles). */
export async function approvalRoleExists(role: string): Promise<boolean> {
  return (await findRole(role)) !== undefined;
}
