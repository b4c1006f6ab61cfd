import type { ApprovalKindName } from '../schemas';
import { adminRoleGrant } from './admin-role-grant';
import { contentPublish } from './content-publish';
import type { ApprovalKindPlugin } from './kind';
import { priceChange } from './price-change';
import { refund } from './refund';
import { stockWriteOff } from './stock-write-off';

/** The kinds the workflow can apply or reject (each kind's plug-in holds its outcomes). */
const KINDS: Partial<Record<ApprovalKindName, ApprovalKindPlugin>> = {
  price_change: priceChange as unknown as ApprovalKindPlugin,
  admin_role_grant: adminRoleGrant as unknown as ApprovalKindPlugin,
  content_publish: contentPublish as unknown as ApprovalKindPlugin,
  stock_write_off: stockWriteOff as unknown as ApprovalKindPlugin,
  refund: refund as unknown as ApprovalKindPlugin,
};

export function kindOf(kind: ApprovalKindName): ApprovalKindPlugin | undefined {
  return KINDS[kind];
}
