import * as z from 'zod/mini';
import { defineRoutes } from '../shared/http/route';

const OpenApiDocument = z.record(z.string(), z.unknown());

export const docsRoutes = defineRoutes([
  {
    operationId: 'getOpenApi',
    api: 'admin',
    method: 'GET',
    path: '/openapi.json',
    module: 'docs',
    summary: 'This API described as OpenAPI 3.1',
    description: 'The OpenAPI 3.1 document of the admin API, the one this description comes from: operations, schemas and error answers.',
    access: { authenticated: true },
    responses: { 200: OpenApiDocument },
  },
  {
    operationId: 'getPartnerOpenApi',
    api: 'partner',
    method: 'GET',
    path: '/openapi.json',
    module: 'docs',
    summary: 'This API described as OpenAPI 3.1',
    description: 'The OpenAPI 3.1 document of the partner API, the one this description comes from: operations, schemas and error answers.',
    access: { anyKey: true },
    responses: { 200: OpenApiDocument },
  },
]);
