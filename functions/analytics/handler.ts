import { createHttpHandler } from '../shared/http/app';
import { dailyMetrics } from './daily';
import { analyticsRoutes } from './routes';

export const handler = createHttpHandler(analyticsRoutes, {
  getDailyMetrics: async (req) => ({ status: 200, body: await dailyMetrics(req.query) }),
});
