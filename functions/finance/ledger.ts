import type { Money } from '../shared/money';

/**
 * Double-entry bookkeeping (docs/architecture.md#modules, finance). Every payment and refund posts one balanced
 * transaction — debits equal credits — in the same DynamoDB transaction as the state change, so the
 * trial balance always sums to zero. Pure rules only; the writes are in ledger-repository.ts.
 */

export const ACCOUNT_CODES = ['1000', '4000', '4100'] as const;
export type AccountCode = (typeof ACCOUNT_CODES)[number];
export type Side = 'debit' | 'credit';

export interface Account {
  code: AccountCode;
  name: string;
  type: 'asset' | 'revenue' | 'contra_revenue';
  /** The side that increases the account. */
  normalSide: Side;
}

/** The chart of accounts. */
export const CHART: readonly Account[] = [
  { code: '1000', name: 'Cash', type: 'asset', normalSide: 'debit' },
  { code: '4000', name: 'Sales revenue', type: 'revenue', normalSide: 'credit' },
  { code: '4100', name: 'Refunds', type: 'contra_revenue', normalSide: 'debit' },
];

export interface PostingLine {
  account: AccountCode;
  side: Side;
  amount: number;
}

/** One ledger transaction: balanced lines in one currency, caused by one payment or refund. */
export interface Posting {
  id: string;
  currency: Money['currency'];
  orderId: string;
  /** `payment:<id>` or `refund:<id>`. */
  source: string;
  at: string;
  lines: PostingLine[];
}

export class UnbalancedPosting extends Error {
  constructor(posting: Posting) {
    super(`Posting ${posting.id} does not balance`);
    this.name = 'UnbalancedPosting';
  }
}

export function totalsOf(lines: readonly PostingLine[]): { debit: number; credit: number } {
  let debit = 0;
  let credit = 0;
  for (const line of lines) {
    if (line.side === 'debit') debit += line.amount;
    else credit += line.amount;
  }
  return { debit, credit };
}

/** Refuses a posting that does not balance, has a non-positive amount, or books one account twice. */
export function assertBalanced(posting: Posting): Posting {
  const { debit, credit } = totalsOf(posting.lines);
  const accounts = new Set(posting.lines.map((line) => line.account));
  const valid =
    posting.lines.length >= 2 &&
    accounts.size === posting.lines.length &&
    posting.lines.every((line) => Number.isSafeInteger(line.amount) && line.amount > 0) &&
    debit === credit;
  if (!valid) throw new UnbalancedPosting(posting);
  return posting;
}

type PostingInput = Omit<Posting, 'lines' | 'source'> & { amount: number };

/** A customer pays: cash comes in (Dr 1000 Cash), revenue is earned (Cr 4000 Sales revenue). */
export function paymentPosting(input: PostingInput & { paymentId: string }): Posting {
  const { amount, paymentId, ...rest } = input;
  return assertBalanced({
    ...rest,
    source: `payment:${paymentId}`,
    lines: [
      { account: '1000', side: 'debit', amount },
      { account: '4000', side: 'credit', amount },
    ],
  });
}

/** Money goes back: revenue is reduced through the contra account (Dr 4100 Refunds), cash goes out (Cr 1000 Cash). */
export function refundPosting(input: PostingInput & { refundId: string }): Posting {
  const { amount, refundId, ...rest } = input;
  return assertBalanced({
    ...rest,
    source: `refund:${refundId}`,
    lines: [
      { account: '4100', side: 'debit', amount },
      { account: '1000', side: 'credit', amount },
    ],
  });
}

export interface AccountBalance {
  code: AccountCode;
  currency: Money['currency'];
  debit: number;
  credit: number;
}

export interface TrialBalance {
  currency: Money['currency'];
  accounts: { code: AccountCode; name: string; debit: number; credit: number; balance: number }[];
  totals: { debit: number; credit: number; balance: number };
}

/**
 * Every account of the chart with its debit and credit totals in one currency; `balance` is
 * debit − credit (positive: a debit balance). Debits and credits are equal and the balances sum to
 * zero whenever every posting balanced.
 */
export function trialBalance(currency: Money['currency'], balances: readonly AccountBalance[]): TrialBalance {
  const accounts = CHART.map((account) => {
    const found = balances.find((b) => b.code === account.code && b.currency === currency);
    const debit = found?.debit ?? 0;
    const credit = found?.credit ?? 0;
    return { code: account.code, name: account.name, debit, credit, balance: debit - credit };
  });
  const debit = accounts.reduce((sum, a) => sum + a.debit, 0);
  const credit = accounts.reduce((sum, a) => sum + a.credit, 0);
  return { currency, accounts, totals: { debit, credit, balance: debit - credit } };
}

/** A trial balance per currency that has balances, by currency code. */
export function trialBalances(balances: readonly AccountBalance[]): TrialBalance[] {
  const currencies = [...new Set(balances.map((b) => b.currency))].sort();
  return currencies.map((currency) => trialBalance(currency, balances));
}
