import AccountBalance from '@mui/icons-material/AccountBalance';
import { lazy } from 'react';
import type { ResourceProps } from 'react-admin';

/** The ledger's accounts (id = account code), each with its entries; the trial balance sits on the list. */
export const ledger: ResourceProps = {
  name: 'ledger-accounts',
  icon: AccountBalance,
  list: lazy(() => import('./LedgerAccountList')),
  show: lazy(() => import('./LedgerAccountShow')),
  recordRepresentation: (account) => `${account.code} ${account.name}`,
};
