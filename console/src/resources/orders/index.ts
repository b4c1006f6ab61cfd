import ShoppingCart from '@mui/icons-material/ShoppingCart';
import { lazy } from 'react';
import type { ResourceProps } from 'react-admin';

export const orders: ResourceProps = {
  name: 'orders',
  icon: ShoppingCart,
  list: lazy(() => import('./OrderList')),
  show: lazy(() => import('./OrderShow')),
  create: lazy(() => import('./OrderCreate')),
};
