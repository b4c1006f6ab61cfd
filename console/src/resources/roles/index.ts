import AdminPanelSettings from '@mui/icons-material/AdminPanelSettings';
import { lazy } from 'react';
import type { ResourceProps } from 'react-admin';

export const roles: ResourceProps = {
  name: 'roles',
  icon: AdminPanelSettings,
  list: lazy(() => import('./RoleList')),
  show: lazy(() => import('./RoleShow')),
  edit: lazy(() => import('./RoleEdit')),
  create: lazy(() => import('./RoleCreate')),
  recordRepresentation: 'name',
};
