import { tableName } from '../shared/db';
import { queryPage } from '../shared/item-repository';
import { GSI1, ledgerKeys } from '../shared/keys';
import type { Money } from '../shared/money';
import type { NamedAction } from '../shared/transaction-repository';
import { stampOf, type WriteContext } from '../shared/write-context';
import type { AccountCode, Posting, Side } from './ledger';

/**
 * The ledger in the single table: each posting line is an entry in its account's partition
 * (`ACCOUNT#<code>` / `ENTRY#<at>#<id>`), and each account keeps one running balance item per
 * currency (`BALANCE#<currency>`, debit and credit totals moved with ADD in the same transaction).
 * The balance items share one gsi1 partition (`LEDGER_BALANCES`), so the trial balance is one Query.
 */
export interface LedgerEntryRecord {
  id: string;
  transactionId: string;
  account: AccountCode;
  side: Side;
  amount: number;
  currency: Money['currency'];
  orderId: string;
  source: string;
  at: string;
  createdBy: string;
}

export interface LedgerBalanceRecord {
  id: string;
  account: AccountCode;
  currency: Money['currency'];
  debit: number;
  credit: number;
}

/** The actions that post `posting`: per line, the entry and its account's balance update. */
export function postingActions(posting: Posting, ctx: WriteContext): NamedAction[] {
  return posting.lines.flatMap((line, i) => {
    const entry: LedgerEntryRecord = {
      id: `${posting.id}-${i + 1}`,
      transactionId: posting.id,
      account: line.account,
      side: line.side,
      amount: line.amount,
      currency: posting.currency,
      orderId: posting.orderId,
      source: posting.source,
      at: posting.at,
      createdBy: ctx.actor,
    };
    const stamp = stampOf(ctx);
    return [
      {
        name: `entry:${line.account}`,
        action: {
          Put: {
            TableName: tableName(),
            Item: { ...ledgerKeys.entry(line.account, posting.at, entry.id), entityType: 'ledger_entry', ...entry, ...stamp },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      },
      {
        name: `balance:${line.account}`,
        action: {
          Update: {
            TableName: tableName(),
            Key: ledgerKeys.balance(line.account, posting.currency),
            UpdateExpression:
              'ADD #debit :debit, #credit :credit ' +
              'SET #id = :id, #account = :account, #currency = :currency, #entityType = :entityType, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk, ' +
              '#updatedAt = :at, #updatedBy = :by, #requestId = :rid, #sourceIp = :ip',
            ExpressionAttributeNames: {
              '#debit': 'debit',
              '#credit': 'credit',
              '#id': 'id',
              '#account': 'account',
              '#currency': 'currency',
              '#entityType': 'entityType',
              '#updatedAt': 'updatedAt',
              '#updatedBy': 'updatedBy',
              '#requestId': 'requestId',
              '#sourceIp': 'sourceIp',
            },
            ExpressionAttributeValues: {
              ':debit': line.side === 'debit' ? line.amount : 0,
              ':credit': line.side === 'credit' ? line.amount : 0,
              ':id': `${line.account}/${posting.currency}`,
              ':account': line.account,
              ':currency': posting.currency,
              ':entityType': 'ledger_balance',
              ':gsi1pk': ledgerKeys.balanceIndex(line.account, posting.currency).gsi1pk,
              ':gsi1sk': ledgerKeys.balanceIndex(line.account, posting.currency).gsi1sk,
              ':at': stamp.updatedAt,
              ':by': stamp.updatedBy,
              ':rid': stamp.requestId,
              ':ip': stamp.sourceIp,
            },
          },
        },
      },
    ];
  });
}

/** Running balances of every account, in one currency or all: one Query. */
export async function queryBalances(currency?: Money['currency']): Promise<LedgerBalanceRecord[]> {
  const page = await queryPage<LedgerBalanceRecord>({
    index: GSI1,
    partition: ledgerKeys.balancesPartition(),
    ...(currency ? { sortPrefix: ledgerKeys.balancesOfCurrencyPrefix(currency) } : {}),
    // A handful of items per currency (one per account): one page holds them all.
    limit: 1000,
    descending: false,
  });
  return page.items;
}

/** An account's entries, newest first (one Query on its partition). */
export function queryEntries(code: AccountCode, limit: number, startKey?: Record<string, unknown>) {
  return queryPage<LedgerEntryRecord>({ partition: ledgerKeys.accountPartition(code), sortPrefix: ledgerKeys.entryPrefix(), limit, startKey });
}
