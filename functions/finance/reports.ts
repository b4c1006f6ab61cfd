import { decodeCursor, encodeCursor } from '../shared/cursor';
import type { Money } from '../shared/money';
import { CHART, trialBalance, trialBalances, type AccountCode, type TrialBalance } from './ledger';
import { queryBalances, queryEntries, type LedgerEntryRecord } from './ledger-repository';
import type { LedgerEntry } from './schemas';

/** Reading the ledger: the chart with balances, an account's entries, the trial balance. */

export async function listAccounts() {
  const balances = await queryBalances();
  return {
    items: CHART.map((account) => ({
      ...account,
      balances: balances
        .filter((b) => b.account === account.code)
        .map((b) => ({ currency: b.currency, debit: b.debit, credit: b.credit, balance: b.debit - b.credit })),
    })),
  };
}

export function toLedgerEntry(record: LedgerEntryRecord): LedgerEntry {
  return {
    id: record.id,
    transactionId: record.transactionId,
    account: record.account,
    side: record.side,
    amount: { amount: record.amount, currency: record.currency },
    orderId: record.orderId,
    source: record.source,
    at: record.at,
    createdBy: record.createdBy,
  };
}

export async function listEntries(code: AccountCode, limit: number, cursor: string | undefined) {
  const binding = `admin.ledger-entries|${code}`;
  const page = await queryEntries(code, limit, decodeCursor(cursor, binding));
  return { items: page.items.map(toLedgerEntry), nextCursor: encodeCursor(page.lastKey, binding) };
}

/** One currency's trial balance, or (without `currency`) every currency's: one Query of the balances either way. */
export async function getTrialBalance(currency: Money['currency'] | undefined): Promise<TrialBalance | { currencies: TrialBalance[] }> {
  const balances = (await queryBalances(currency)).map((b) => ({ code: b.account, currency: b.currency, debit: b.debit, credit: b.credit }));
  return currency ? trialBalance(currency, balances) : { currencies: trialBalances(balances) };
}
