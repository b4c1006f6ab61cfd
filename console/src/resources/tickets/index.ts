import SupportAgent from '@mui/icons-material/SupportAgent';
import { lazy } from 'react';
import type { ResourceProps } from 'react-admin';

export const tickets: ResourceProps = {
  name: 'tickets',
  icon: SupportAgent,
  list: lazy(() => import('./TicketList')),
  show: lazy(() => import('./TicketShow')),
  create: lazy(() => import('./TicketCreate')),
  recordRepresentation: 'subject',
};
