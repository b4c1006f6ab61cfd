import { lazy } from 'react';

/** Charts are heavy (recharts): the dashboard loads on demand like every screen. */
export const Dashboard = lazy(() => import('./Dashboard'));
