import Handshake from '@mui/icons-material/Handshake';
import { lazy } from 'react';
import type { ResourceProps } from 'react-admin';

export const partners: ResourceProps = {
  name: 'partners',
  icon: Handshake,
  list: lazy(() => import('./PartnerList')),
  show: lazy(() => import('./PartnerShow')),
  edit: lazy(() => import('./PartnerEdit')),
  create: lazy(() => import('./PartnerCreate')),
  recordRepresentation: 'name',
};
