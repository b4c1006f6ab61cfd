import LocalShipping from '@mui/icons-material/LocalShipping';
import type { ResourceProps } from 'react-admin';

/** Screens not written yet: the resource is registered so references and menus know it. */
export const shipments: ResourceProps = {
  name: 'shipments',
  icon: LocalShipping,
};
