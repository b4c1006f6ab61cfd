import { toView } from '../approvals/approval-state';
import { stockWriteOff } from './write-off-approval';
import { approvalSteps, requestApproval } from '../approvals/request';
import type { ApprovalView } from '../approvals/schemas';
import { conflict, notFound } from '../shared/errors';
import { TransactionCancelled } from '../shared/transaction-repository';
import type { WriteContext } from '../shared/write-context';
import { findProduct } from './product-repository';
import type { StockAdjustment } from './schemas';
import { adjustStock } from './stock';
import { holdWriteOff, WRITE_OFF_ACTION } from './write-off-approval-repository';

/**
 * POST /products/{id}/stock-adjustments: additions and small write-offs apply at once; a write-off
 * the approval policy holds back (default policy: ≥ 100 units → operations) answers 202 with the approval
 * and holds the units (counted as reserved) until the workflow writes them off or gives them back.
 */
export async function adjustStockOrRequestApproval(
  productId: string,
  input: { delta: number; reason: string },
  ctx: WriteContext,
): Promise<{ adjustment: StockAdjustment } | { approval: ApprovalView }> {
  if (input.delta >= 0) return { adjustment: await adjustStock(productId, input, ctx) };
  const product = await findProduct(productId);
  if (!product || product.deletedAt) throw notFound('Product');
  const units = -input.delta;
  const subject = { productId, sku: product.sku, name: product.name, units, reason: input.reason, requestedBy: ctx.actor };
  const steps = await approvalSteps(stockWriteOff, subject);
  if (steps.length === 0) return { adjustment: await adjustStock(productId, input, ctx) };
  const available = product.available ?? product.onHand - product.reserved;
  if (available < units) {
    throw conflict(`Only ${available} units of ${product.sku} are available; a write-off of ${units} would make stock negative`, 'insufficient-stock');
  }
  try {
    const approval = await requestApproval(stockWriteOff, subject, steps, () => [holdWriteOff(productId, units, ctx)], ctx);
    return { approval: toView(approval) };
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failed(WRITE_OFF_ACTION.product)) throw conflict('The available stock changed while this request ran; read it again and retry', 'insufficient-stock');
    throw error;
  }
}
