import { createHttpHandler } from '../shared/http/app';
import openApiDocument from '../../docs/openapi.json';
import { docsRoutes } from './routes';

/** Serves the OpenAPI document written by `npm run openapi` (bundled, so no work per request). */
export const handler = createHttpHandler(docsRoutes, {
  getOpenApi: async () => ({ status: 200, body: openApiDocument as Record<string, unknown> }),
});
