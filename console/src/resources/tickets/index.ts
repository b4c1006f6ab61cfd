import SupportAgent from '@mui/icons-material/SupportAgent';
import type { ResourceProps } from 'react-admin';

/** Screens not written yet: the resource is registered so references and menus know it. */
export const tickets: ResourceProps = {
  name: 'tickets',
  icon: SupportAgent,
};
