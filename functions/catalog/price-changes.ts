import { toView } from '../approvals/approval-state';
import { priceChange } from './price-change-approval';
import { approvalSteps, requestApproval } from '../approvals/request';
import type { ApprovalView } from '../approvals/schemas';
import { assertVersion, badRequest, conflict, notFound } from '../shared/errors';
import type { Money } from '../shared/money';
import { TransactionCancelled } from '../shared/transaction-repository';
import type { WriteContext } from '../shared/write-context';
import { markPriceChangePending, PRICE_PRODUCT_ACTION } from './price-approval-repository';
import { findProduct, type ProductRecord } from './product-repository';
import { updateProduct } from './products';
import type { Product, UpdateProductInput } from './schemas';

/**
 * PATCH /products/{id} with a price: a change the approval policy lets through is applied at once;
 * a bigger one (default policy: > 20 % → admin) waits for its approval — the answer is 202 with it, and
 * the product carries `pendingPriceChange` until the workflow applies or drops it.
 */

type WithPendingPrice = ProductRecord & { pendingPriceChange?: { approvalId: string; price: Money } };

export async function updateProductOrRequestApproval(
  id: string,
  input: UpdateProductInput,
  expectedVersion: number | undefined,
  ctx: WriteContext,
): Promise<{ product: Product } | { approval: ApprovalView }> {
  if (input.price === undefined) return { product: await updateProduct(id, input, expectedVersion, ctx) };
  const current = (await findProduct(id)) as WithPendingPrice | undefined;
  if (!current || current.deletedAt) throw notFound('Product');
  assertVersion('product', current.version, expectedVersion);
  if (current.pendingPriceChange) {
    throw conflict(`A price change of this product waits for approval ${current.pendingPriceChange.approvalId}`, 'approval-pending');
  }
  const price = input.price;
  const subject = { productId: id, sku: current.sku, name: current.name, from: current.price, to: price };
  const steps = await approvalSteps(priceChange, subject);
  // Conditioned on the version read, so a price change cannot slip past a concurrent approval request.
  if (steps.length === 0) return { product: await updateProduct(id, input, current.version, ctx) };

  const others = Object.keys(input).filter((field) => field !== 'price');
  if (others.length > 0) {
    throw badRequest(
      'This price change needs an approval: send it on its own, and the other changes in another request',
      others.map((field) => ({ path: `body.${field}`, message: 'Not with a price change that needs approval' })),
    );
  }
  try {
    const approval = await requestApproval(priceChange, subject, steps, (approval) => [markPriceChangePending(id, approval.id, price, current.version, ctx)], ctx);
    return { approval: toView(approval) };
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failed(PRICE_PRODUCT_ACTION)) throw conflict('The product changed while this request ran; read it again and retry');
    throw error;
  }
}
