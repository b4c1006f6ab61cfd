import Download from '@mui/icons-material/Download';
import type { ResourceProps } from 'react-admin';

/** Screens not written yet: the resource is registered so references and menus know it. */
export const exports: ResourceProps = {
  name: 'exports',
  icon: Download,
};
