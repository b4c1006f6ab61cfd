import People from '@mui/icons-material/People';
import { lazy } from 'react';
import type { ResourceProps } from 'react-admin';

export const customers: ResourceProps = {
  name: 'customers',
  icon: People,
  list: lazy(() => import('./CustomerList')),
  show: lazy(() => import('./CustomerShow')),
  create: lazy(() => import('./CustomerCreate')),
  edit: lazy(() => import('./CustomerEdit')),
  recordRepresentation: 'name',
};
