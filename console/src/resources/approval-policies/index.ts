import AccountTree from '@mui/icons-material/AccountTree';
import { lazy } from 'react';
import type { ResourceProps } from 'react-admin';

/** One document (the workflow design): its list route is the editor. */
export const approvalPolicies: ResourceProps = {
  name: 'approval-policies',
  icon: AccountTree,
  list: lazy(() => import('./PolicyEditor')),
};
