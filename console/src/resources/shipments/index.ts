import LocalShipping from '@mui/icons-material/LocalShipping';
import { lazy } from 'react';
import type { ResourceProps } from 'react-admin';

/** Shipments have no list in the API: they are opened from their order. */
export const shipments: ResourceProps = {
  name: 'shipments',
  icon: LocalShipping,
  show: lazy(() => import('./ShipmentShow')),
  recordRepresentation: 'trackingNumber',
};
