import { defineRoutes } from '../shared/http/route';
import { DailyMetrics, DailyMetricsQuery } from './schemas';

/** Daily metrics (docs/architecture.md#analytics-and-exports), kept by the metrics stream consumer (functions/analytics/consumer.ts). */
export const analyticsRoutes = defineRoutes([
  {
    operationId: 'getDailyMetrics',
    api: 'admin',
    method: 'GET',
    path: '/analytics/daily',
    module: 'analytics',
    summary: 'Get daily metrics',
    description: 'Daily metrics of a date range (at most 366 UTC days, every day present): orders created, revenue, payments, refunds, order status transitions, tickets opened and resolved with the mean time to resolution, approvals decided with the mean lead time.',
    access: { permission: 'analytics:read' },
    query: DailyMetricsQuery,
    responses: { 200: DailyMetrics },
  },
]);
