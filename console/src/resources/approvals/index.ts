import FactCheck from '@mui/icons-material/FactCheck';
import type { ResourceProps } from 'react-admin';

/** Screens not written yet: the resource is registered so references and menus know it. */
export const approvals: ResourceProps = {
  name: 'approvals',
  icon: FactCheck,
};
