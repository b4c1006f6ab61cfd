import AccountBalance from '@mui/icons-material/AccountBalance';
import type { ResourceProps } from 'react-admin';

/** Screens not written yet: the resource is registered so references and menus know it. */
export const ledger: ResourceProps = {
  name: 'ledger-accounts',
  icon: AccountBalance,
};
