import * as z from 'zod/mini';
import { CURRENCIES, Money } from '../shared/money';
import { Actor, Id, Pagination, Timestamp, described } from '../shared/schemas';
import { ACCOUNT_CODES } from './ledger';

/** A payment or refund amount: more than zero. */
const PositiveMoney = z.lazy(() =>
  Money.check(z.refine((money) => money.amount > 0, { message: 'Must be more than zero', path: ['amount'] })),
);

export const PAYMENT_METHODS = ['card', 'bank_transfer', 'cash', 'voucher', 'other'] as const;

export const CreatePaymentBody = z.lazy(() =>
  z.strictObject({
    amount: PositiveMoney,
    method: z.enum(PAYMENT_METHODS),
    reference: described(
      z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
      "The payment provider's or bank's reference",
    ),
  }),
);

export const CreateRefundBody = z.lazy(() =>
  z.strictObject({
    amount: PositiveMoney,
    reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(500)),
  }),
);

export const Payment = z.lazy(() =>
  z
    .object({
      id: Id,
      orderId: Id,
      amount: Money,
      method: z.enum(PAYMENT_METHODS),
      reference: z.optional(z.string()),
      orderStatus: described(z.string(), 'The order status after this payment (paid once fully paid)'),
      ledgerTransactionId: Id,
      createdAt: Timestamp,
      createdBy: Actor,
    })
    .register(z.globalRegistry, { id: 'Payment' }),
);

export const Refund = z.lazy(() =>
  z
    .object({
      id: Id,
      orderId: Id,
      amount: Money,
      reason: z.string(),
      ledgerTransactionId: Id,
      createdAt: Timestamp,
      createdBy: Actor,
    })
    .register(z.globalRegistry, { id: 'Refund' }),
);

export const AccountCode = z.lazy(() => z.enum(ACCOUNT_CODES));
export const AccountParams = z.lazy(() => z.strictObject({ code: AccountCode }));

const Currency = z.lazy(() => z.enum(CURRENCIES));

export const LedgerAccount = z.lazy(() =>
  z
    .object({
      code: AccountCode,
      name: z.string(),
      type: z.enum(['asset', 'revenue', 'contra_revenue']),
      normalSide: z.enum(['debit', 'credit']),
      balances: z.array(z.object({ currency: Currency, debit: z.int(), credit: z.int(), balance: described(z.int(), 'debit − credit') })),
    })
    .register(z.globalRegistry, { id: 'LedgerAccount' }),
);

export const LedgerAccounts = z.lazy(() => z.object({ items: z.array(LedgerAccount) }));

export const LedgerEntry = z.lazy(() =>
  z
    .object({
      id: z.string(),
      transactionId: Id,
      account: AccountCode,
      side: z.enum(['debit', 'credit']),
      amount: Money,
      orderId: Id,
      source: described(z.string(), 'payment:<id> or refund:<id>'),
      at: Timestamp,
      createdBy: Actor,
    })
    .register(z.globalRegistry, { id: 'LedgerEntry' }),
);

export const LedgerEntriesQuery = z.lazy(() => z.strictObject({ ...Pagination }));

export const TrialBalanceQuery = z.lazy(() =>
  z.strictObject({ currency: described(z.optional(Currency), 'Only this currency; without it, every currency the ledger holds') }),
);

export const TrialBalance = z.lazy(() =>
  z
    .object({
      currency: Currency,
      accounts: z.array(
        z.object({
          code: AccountCode,
          name: z.string(),
          debit: z.int(),
          credit: z.int(),
          balance: described(z.int(), 'debit − credit'),
        }),
      ),
      totals: z.object({ debit: z.int(), credit: z.int(), balance: described(z.int(), 'Always 0') }),
    })
    .register(z.globalRegistry, { id: 'TrialBalance' }),
);

/** The trial balance of every currency the ledger holds (the route without `currency`). */
export const TrialBalances = z.lazy(() =>
  z
    .object({ currencies: described(z.array(TrialBalance), 'One trial balance per currency held, by currency code') })
    .register(z.globalRegistry, { id: 'TrialBalances' }),
);

/** One currency's trial balance when `currency` is given (as before), else every currency's. */
export const TrialBalanceReport = z.lazy(() => z.union([TrialBalance, TrialBalances]));

export type Payment = z.infer<typeof Payment>;
export type Refund = z.infer<typeof Refund>;
export type LedgerEntry = z.infer<typeof LedgerEntry>;
