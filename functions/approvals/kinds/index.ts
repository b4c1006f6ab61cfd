import type { ApprovalKindName } from '../schemas';
import { adminRoleGrant } from './admin-role-grant';
import { contentPublish } from './content-publish';
import type { ApprovalKindPlugin } from './kind';
import { priceChange } from './price-change';

/**
 * The kinds the workflow can apply or reject. A kind missing here (refund and stock write-off until
 * the commerce module wires them) cannot be requested: its approvals would fail when approved.
 */
const KINDS: Partial<Record<ApprovalKindName, ApprovalKindPlugin>> = {
  price_change: priceChange as unknown as ApprovalKindPlugin,
  admin_role_grant: adminRoleGrant as unknown as ApprovalKindPlugin,
  content_publish: contentPublish as unknown as ApprovalKindPlugin,
};

export function kindOf(kind: ApprovalKindName): ApprovalKindPlugin | undefined {
  return KINDS[kind];
}
