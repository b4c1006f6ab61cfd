import Badge from '@mui/icons-material/Badge';
import type { ResourceProps } from 'react-admin';

/** Screens not written yet: the resource is registered so references and menus know it. */
export const staff: ResourceProps = {
  name: 'staff',
  icon: Badge,
};
