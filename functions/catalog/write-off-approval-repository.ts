import { tableName } from '../shared/db';
import { productKeys, stockKeys } from '../shared/keys';
import type { NamedAction } from '../shared/transaction-repository';
import { buildUpdate } from '../shared/update-expression';
import { updateAction } from '../shared/update-action';
import { stampOf, type WriteContext } from '../shared/write-context';
import type { StockAdjustmentRecord } from './stock-repository';

/**
 * The writes of a stock write-off that waits for an approval (default policy: ≥ 100 units → operations).
 * While it waits, the units are held — counted as reserved, so nobody sells them; approval takes
 * them off the shelf (onHand and reserved fall, available stays) and records the adjustment;
 * rejection gives them back. Like every stock change, these stamp the product but keep its version.
 * Returned as transaction actions: the approvals module commits them with the approval.
 */

/** Names of the actions of a write-off in the approval's transactions. */
export const WRITE_OFF_ACTION = { product: 'product', adjustment: 'adjustment' } as const;

/** Holds `units` while the write-off waits: only if that many are available on a live product. */
export function holdWriteOff(productId: string, units: number, ctx: WriteContext): NamedAction {
  const update = buildUpdate({ set: stampOf(ctx), increment: { reserved: units, available: -units } });
  return {
    name: WRITE_OFF_ACTION.product,
    action: updateAction(productKeys.byId(productId), update, 'attribute_exists(pk) AND attribute_not_exists(deletedAt) AND #available >= :units', { ':units': units }, { '#available': 'available' }),
  };
}

/** Gives the held units back (rejected, expired or failed). */
export function releaseWriteOff(productId: string, units: number, ctx: WriteContext): NamedAction {
  const update = buildUpdate({ set: stampOf(ctx), increment: { reserved: -units, available: units } });
  return {
    name: WRITE_OFF_ACTION.product,
    action: updateAction(productKeys.byId(productId), update, 'attribute_exists(pk) AND #reserved >= :units', { ':units': units }, { '#reserved': 'reserved' }),
  };
}

/**
 * Takes the held units off the shelf and records the adjustment with the stock right after it, in
 * one transaction conditioned on the counters read (`before`), so the recorded stock is exact.
 */
export function applyWriteOff(before: { onHand: number; reserved: number }, adjustment: StockAdjustmentRecord, units: number, ctx: WriteContext): NamedAction[] {
  const update = buildUpdate({ set: { ...stampOf(ctx), onHand: adjustment.onHand, reserved: adjustment.reserved } });
  return [
    {
      name: WRITE_OFF_ACTION.product,
      action: updateAction(
        productKeys.byId(adjustment.productId),
        update,
        'attribute_exists(pk) AND #onHand = :onHandBefore AND #reserved = :reservedBefore AND #reserved >= :units',
        { ':onHandBefore': before.onHand, ':reservedBefore': before.reserved, ':units': units },
        { '#onHand': 'onHand', '#reserved': 'reserved' },
      ),
    },
    {
      name: WRITE_OFF_ACTION.adjustment,
      action: {
        Put: {
          TableName: tableName(),
          Item: { ...stockKeys.adjustment(adjustment.productId, adjustment.id), entityType: 'stock_adjustment', ...adjustment, ...stampOf(ctx) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    },
  ];
}
