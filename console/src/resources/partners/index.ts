import Handshake from '@mui/icons-material/Handshake';
import type { ResourceProps } from 'react-admin';

/** Screens not written yet: the resource is registered so references and menus know it. */
export const partners: ResourceProps = {
  name: 'partners',
  icon: Handshake,
};
