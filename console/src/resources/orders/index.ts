import ShoppingCart from '@mui/icons-material/ShoppingCart';
import type { ResourceProps } from 'react-admin';

/** Screens not written yet: the resource is registered so references and menus know it. */
export const orders: ResourceProps = {
  name: 'orders',
  icon: ShoppingCart,
};
