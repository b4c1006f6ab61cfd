import AccountTree from '@mui/icons-material/AccountTree';
import type { ResourceProps } from 'react-admin';

/** Screens not written yet: the resource is registered so references and menus know it. */
export const approvalPolicies: ResourceProps = {
  name: 'approval-policies',
  icon: AccountTree,
};
