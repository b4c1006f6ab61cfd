import Inventory2 from '@mui/icons-material/Inventory2';
import { lazy } from 'react';
import type { ResourceProps } from 'react-admin';

export const products: ResourceProps = {
  name: 'products',
  icon: Inventory2,
  list: lazy(() => import('./ProductList')),
  show: lazy(() => import('./ProductShow')),
  edit: lazy(() => import('./ProductEdit')),
  create: lazy(() => import('./ProductCreate')),
  recordRepresentation: 'name',
};
