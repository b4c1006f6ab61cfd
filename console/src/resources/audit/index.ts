import History from '@mui/icons-material/History';
import type { ResourceProps } from 'react-admin';

/** Screens not written yet: the resource is registered so references and menus know it. */
export const audit: ResourceProps = {
  name: 'audit',
  icon: History,
};
