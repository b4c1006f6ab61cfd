import * as z from 'zod/mini';
import { defineRoutes } from '../shared/http/route';

export const docsRoutes = defineRoutes([
  {
    operationId: 'getOpenApi',
    api: 'admin',
    method: 'GET',
    path: '/openapi.json',
    module: 'docs',
    summary: 'This API described as OpenAPI 3.1',
    access: { authenticated: true },
    responses: { 200: z.record(z.string(), z.unknown()) },
  },
]);
