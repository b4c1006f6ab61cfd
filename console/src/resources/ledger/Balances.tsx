import { Stack, Typography } from '@mui/material';
import { useLocale, useRecordContext, useTranslate } from 'react-admin';
import type { Schemas } from '../../api/client';
import { formatMoney } from '../../shared/money';

export type LedgerAccount = Schemas['LedgerAccount'];

/** An account's balance in each currency it holds (debit − credit: a credit balance reads negative). */
export function Balances() {
  const account = useRecordContext<LedgerAccount & { id: string }>();
  const locale = useLocale();
  const translate = useTranslate();
  if (!account) return null;
  if (account.balances.length === 0) return <Typography variant="body2">{translate('resources.ledger-accounts.no_balance')}</Typography>;
  return (
    <Stack component="ul" spacing={0.5} sx={{ m: 0, p: 0, listStyle: 'none' }}>
      {account.balances.map(({ currency, debit, credit, balance }) => (
        <Typography component="li" variant="body2" key={currency}>
          <strong>{formatMoney({ amount: balance, currency }, locale)}</strong>{' '}
          {translate('resources.ledger-accounts.debit_credit', {
            debit: formatMoney({ amount: debit, currency }, locale),
            credit: formatMoney({ amount: credit, currency }, locale),
          })}
        </Typography>
      ))}
    </Stack>
  );
}
