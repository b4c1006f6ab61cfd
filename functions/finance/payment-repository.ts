import { tableName } from '../shared/db';
import { orderKeys } from '../shared/keys';
import type { Money } from '../shared/money';
import type { NamedAction } from '../shared/transaction-repository';
import type { Payment } from './schemas';
import { stampOf, type WriteContext } from '../shared/write-context';

/** Payments and refunds are items in their order's partition (`PAYMENT#<id>`, `REFUND#<id>`). */
export interface PaymentRecord {
  id: string;
  orderId: string;
  amount: Money;
  method: Payment['method'];
  reference?: string;
  ledgerTransactionId: string;
  createdAt: string;
  createdBy: string;
}

export interface RefundRecord {
  id: string;
  orderId: string;
  amount: Money;
  reason: string;
  ledgerTransactionId: string;
  createdAt: string;
  createdBy: string;
}

export function paymentPut(payment: PaymentRecord, ctx: WriteContext): NamedAction {
  return {
    name: 'payment',
    action: {
      Put: {
        TableName: tableName(),
        Item: { ...orderKeys.payment(payment.orderId, payment.id), entityType: 'payment', ...payment, ...stampOf(ctx) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

export function refundPut(refund: RefundRecord, ctx: WriteContext): NamedAction {
  return {
    name: 'refund',
    action: {
      Put: {
        TableName: tableName(),
        Item: { ...orderKeys.refund(refund.orderId, refund.id), entityType: 'refund', ...refund, ...stampOf(ctx) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}
