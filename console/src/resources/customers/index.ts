import People from '@mui/icons-material/People';
import type { ResourceProps } from 'react-admin';

/** Screens not written yet: the resource is registered so references and menus know it. */
export const customers: ResourceProps = {
  name: 'customers',
  icon: People,
};
