import * as z from 'zod/mini';
import { API_BASE_PATH, fullPath, type RouteSpec } from './route';

type JsonSchema = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
};

/**
 * Builds the OpenAPI 3.1 document from the route table. zod 4 emits JSON Schema 2020-12, which is
 * OpenAPI 3.1's dialect; schemas registered with `.meta({id})` become shared components.
 */
export function buildOpenApi(routes: readonly RouteSpec[], version: string): JsonSchema {
  const components: Record<string, JsonSchema> = {
    Problem: {
      type: 'object',
      required: ['type', 'title', 'status', 'detail'],
      properties: {
        type: { type: 'string', format: 'uri' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        instance: { type: 'string' },
        requestId: { type: 'string' },
        errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
        errorsOmitted: { type: 'integer', minimum: 1, description: 'Field errors beyond the first 20 listed in errors' },
      },
    },
  };
  const convert = (schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema => {
    const raw = JSON.stringify(z.toJSONSchema(schema, { io, unrepresentable: 'any' }));
    const json = JSON.parse(raw.replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    for (const [id, def] of Object.entries(defs)) components[id] ??= def;
    const { $schema: _s, $defs: _d, ...rest } = json;
    return rest;
  };
  const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = fullPath(route);
    const parameters: unknown[] = [];
    for (const [location, schema] of [
      ['path', route.params],
      ['query', route.query],
    ] as const) {
      if (!schema) continue;
      const json = convert(schema, 'input');
      const props = (json.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((json.required ?? []) as string[]);
      for (const [name, prop] of Object.entries(props)) {
        parameters.push({ name, in: location, required: location === 'path' || required.has(name), schema: prop });
      }
    }
    if (route.ifMatch)
      parameters.push({ name: 'If-Match', in: 'header', required: route.ifMatch === 'required', schema: { type: 'string' } });
    if (route.idempotencyKey) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: route.idempotencyKey === 'required',
        description: 'Retrying with the same key and body replays the first response; another body with the same key is 422',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(route.responses)) {
      responses[status] = {
        description: STATUS_TEXT[Number(status)] ?? status,
        ...(schema ? { content: { 'application/json': { schema: convert(schema, 'output') } } } : {}),
      };
    }
    for (const status of [400, 401, 403, 404, 409, 412, 413, 415, ...(route.idempotencyKey ? [422] : []), 429]) {
      responses[String(status)] ??= { description: STATUS_TEXT[status], content: problem };
    }
    const access = route.access;
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.module],
      security: route.api === 'admin' ? [{ staffJwt: [] }] : [{ partnerApiKey: [] }],
      'x-backoffice-access': access,
      ...(parameters.length ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: convert(route.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Backoffice API',
      version,
      description: `Admin API under ${API_BASE_PATH.admin}, partner API under ${API_BASE_PATH.partner}.`,
    },
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        staffJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        partnerApiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      },
    },
  };
}
