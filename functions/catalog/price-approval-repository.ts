import { updateAction } from '../shared/update-action';
import { productKeys } from '../shared/keys';
import type { Money } from '../shared/money';
import type { NamedAction } from '../shared/transaction-repository';
import { buildUpdate } from '../shared/update-expression';
import { stampOf, type WriteContext } from '../shared/write-context';

/**
 * The writes of a price change that waits for an approval (docs/architecture.md#approvals): the product carries
 * `pendingPriceChange` while it waits (so no other price change overtakes it); approval applies the
 * new price and lifts the mark, rejection only lifts it. Each write is conditioned on the mark
 * naming the approval, so it happens at most once. Returned as transaction actions: the approvals
 * module commits them together with the approval itself.
 */

const LIVE = 'attribute_exists(pk) AND attribute_not_exists(deletedAt)';

/** Name of the product's action in the approval's transactions. */
export const PRICE_PRODUCT_ACTION = 'product';

export function markPriceChangePending(productId: string, approvalId: string, price: Money, expectedVersion: number, ctx: WriteContext): NamedAction {
  const update = buildUpdate({ set: { ...stampOf(ctx), pendingPriceChange: { approvalId, price } }, increment: { version: 1 } });
  return {
    name: PRICE_PRODUCT_ACTION,
    action: updateAction(productKeys.byId(productId), update, `${LIVE} AND attribute_not_exists(pendingPriceChange) AND version = :expected`, {
      ':expected': expectedVersion,
    }),
  };
}

export function applyPendingPrice(productId: string, approvalId: string, price: Money, ctx: WriteContext): NamedAction {
  const update = buildUpdate({ set: { ...stampOf(ctx), price }, remove: ['pendingPriceChange'], increment: { version: 1 } });
  return { name: PRICE_PRODUCT_ACTION, action: updateAction(productKeys.byId(productId), update, `${LIVE} AND pendingPriceChange.approvalId = :approval`, { ':approval': approvalId }) };
}

export function clearPendingPrice(productId: string, approvalId: string, ctx: WriteContext): NamedAction {
  const update = buildUpdate({ set: stampOf(ctx), remove: ['pendingPriceChange'], increment: { version: 1 } });
  return { name: PRICE_PRODUCT_ACTION, action: updateAction(productKeys.byId(productId), update, 'pendingPriceChange.approvalId = :approval', { ':approval': approvalId }) };
}
