import Badge from '@mui/icons-material/Badge';
import { lazy } from 'react';
import type { ResourceProps } from 'react-admin';

export const staff: ResourceProps = {
  name: 'staff',
  icon: Badge,
  list: lazy(() => import('./StaffList')),
  show: lazy(() => import('./StaffShow')),
  edit: lazy(() => import('./StaffEdit')),
  create: lazy(() => import('./StaffCreate')),
  recordRepresentation: 'name',
};
