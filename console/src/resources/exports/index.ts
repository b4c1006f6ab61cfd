import Download from '@mui/icons-material/Download';
import { lazy } from 'react';
import type { ResourceProps } from 'react-admin';

export const exports: ResourceProps = {
  name: 'exports',
  icon: Download,
  list: lazy(() => import('./ExportList')),
  show: lazy(() => import('./ExportShow')),
  create: lazy(() => import('./ExportCreate')),
};
