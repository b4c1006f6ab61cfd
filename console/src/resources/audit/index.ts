import History from '@mui/icons-material/History';
import { lazy } from 'react';
import type { ResourceProps } from 'react-admin';

/** The audit log: entries have no page of their own, a row unfolds to its changes. */
export const audit: ResourceProps = {
  name: 'audit',
  icon: History,
  list: lazy(() => import('./AuditList')),
};
