import FactCheck from '@mui/icons-material/FactCheck';
import { lazy } from 'react';
import type { ResourceProps } from 'react-admin';

export const approvals: ResourceProps = {
  name: 'approvals',
  icon: FactCheck,
  list: lazy(() => import('./ApprovalList')),
  show: lazy(() => import('./ApprovalShow')),
  recordRepresentation: 'summary',
};
