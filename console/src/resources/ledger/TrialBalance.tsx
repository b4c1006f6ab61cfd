import { Card, CardContent, FormControl, InputLabel, MenuItem, Select, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useCanAccess, useLocale, useTranslate } from 'react-admin';
import { unwrap } from '../../api/call';
import type { Schemas } from '../../api/client';
import { useApi } from '../../shared/api-context';
import { CURRENCIES, formatMoney } from '../../shared/money';

type Currency = (typeof CURRENCIES)[number];
type Balance = Schemas['TrialBalance'];

function BalanceTable({ balance }: { balance: Balance }) {
  const translate = useTranslate();
  const locale = useLocale();
  const money = (amount: number) => formatMoney({ amount, currency: balance.currency }, locale);
  const column = (name: string) => translate(`resources.trial-balance.fields.${name}`);
  return (
    <Table size="small" aria-label={translate('resources.trial-balance.table', { currency: balance.currency })} sx={{ mb: 2 }}>
      <TableHead>
        <TableRow>
          <TableCell>{column('account')}</TableCell>
          <TableCell align="right">{column('debit')}</TableCell>
          <TableCell align="right">{column('credit')}</TableCell>
          <TableCell align="right">{column('balance')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {balance.accounts.map((account) => (
          <TableRow key={account.code}>
            <TableCell>
              {account.code} {account.name}
            </TableCell>
            <TableCell align="right">{money(account.debit)}</TableCell>
            <TableCell align="right">{money(account.credit)}</TableCell>
            <TableCell align="right">{money(account.balance)}</TableCell>
          </TableRow>
        ))}
        <TableRow>
          <TableCell component="th" scope="row" sx={{ fontWeight: 'bold' }}>
            {column('totals')}
          </TableCell>
          <TableCell align="right" sx={{ fontWeight: 'bold' }}>
            {money(balance.totals.debit)}
          </TableCell>
          <TableCell align="right" sx={{ fontWeight: 'bold' }}>
            {money(balance.totals.credit)}
          </TableCell>
          <TableCell align="right" sx={{ fontWeight: 'bold' }}>
            {money(balance.totals.balance)}
          </TableCell>
        </TableRow>
      </TableBody>
    </Table>
  );
}

/** The trial balance of one currency or of every currency the ledger holds: debits equal credits. */
export function TrialBalance() {
  const api = useApi();
  const translate = useTranslate();
  const labelId = useId();
  const [currency, setCurrency] = useState<Currency | ''>('');
  const { canAccess } = useCanAccess({ resource: 'trial-balance', action: 'list' });
  const { data, error, isPending } = useQuery({
    queryKey: ['trial-balance', currency],
    queryFn: () => unwrap(api.GET('/ledger/trial-balance', { params: { query: currency ? { currency } : {} } })),
    enabled: Boolean(canAccess),
  });
  if (!canAccess) return null;
  const balances = data ? ('currencies' in data ? data.currencies : [data]) : [];
  return (
    <Card sx={{ mt: 2 }} component="section" aria-labelledby={`${labelId}-title`}>
      <CardContent>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mb: 2 }}>
          <Typography id={`${labelId}-title`} component="h2" variant="h6" sx={{ flexGrow: 1, whiteSpace: 'nowrap' }}>
            {translate('resources.trial-balance.name')}
          </Typography>
          <FormControl size="small" sx={{ width: 200, flexShrink: 0 }}>
            <InputLabel id={labelId}>{translate('resources.trial-balance.fields.currency')}</InputLabel>
            <Select
              labelId={labelId}
              label={translate('resources.trial-balance.fields.currency')}
              value={currency}
              onChange={(event) => setCurrency(event.target.value as Currency | '')}
            >
              <MenuItem value="">{translate('resources.trial-balance.all_currencies')}</MenuItem>
              {CURRENCIES.map((code) => (
                <MenuItem key={code} value={code}>
                  {code}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        </Stack>
        {isPending && <Typography variant="body2">{translate('bo.common.loading')}</Typography>}
        {error && (
          <Typography variant="body2" color="error">
            {error.message}
          </Typography>
        )}
        {data && balances.length === 0 && <Typography variant="body2">{translate('resources.trial-balance.empty')}</Typography>}
        {balances.map((balance) => (
          <BalanceTable key={balance.currency} balance={balance} />
        ))}
      </CardContent>
    </Card>
  );
}
