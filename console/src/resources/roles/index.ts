import AdminPanelSettings from '@mui/icons-material/AdminPanelSettings';
import type { ResourceProps } from 'react-admin';

/** Screens not written yet: the resource is registered so references and menus know it. */
export const roles: ResourceProps = {
  name: 'roles',
  icon: AdminPanelSettings,
};
