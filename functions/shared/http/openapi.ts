import * as z from 'zod/mini';
import { API_BASE_PATH, type ApiName, type ModuleName, type RouteSpec } from './route';

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
  428: 'Precondition Required',
  429: 'Too Many Requests',
};

/** Why each error status is declared, in the words a client reads. */
const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: `errors` names each offending field',
  401: 'Missing, expired or invalid credentials',
  403: 'The caller lacks the permission or scope (or the rule of the operation refuses them)',
  404: 'Not found (or not visible to the caller)',
  409: 'The current state forbids the command, a unique value is taken, or a concurrent change won',
  412: 'The `If-Match` version is stale: read the resource again',
  413: 'The request body is too large',
  415: 'The request body is not JSON',
  422: 'The `Idempotency-Key` was used for another request',
  428: 'The command needs an `If-Match` header',
  429: 'Rate limit or quota exceeded: retry after `Retry-After` seconds when present',
};

const TAGS: Record<ModuleName, string> = {
  docs: 'The API description itself',
  iam: 'Staff, roles and permissions; partners and their API keys',
  catalog: 'Products and their stock',
  audit: 'The tamper-evident audit log of every write',
  approvals: 'Four-eyes approvals and the policy that decides what needs one',
  orders: 'Customers and orders: placing, fulfilling, completing, cancelling',
  finance: 'Payments, refunds and the ledger',
  logistics: 'Shipments and their tracking events',
  support: 'Support tickets, their comments and SLAs',
  exports: 'Exports of the data as CSV, JSON Lines or Parquet',
  analytics: 'Daily business metrics',
  content: 'Content pieces, their versions and publishing',
  webhooks: 'Partner events: webhook endpoints, deliveries and the event feed',
};

const API_INFO: Record<ApiName, { title: string; description: string; server: string }> = {
  admin: {
    title: 'Backoffice admin API',
    description:
      'The API staff use through the admin frontends: a bearer token (JWT) from the staff identity provider on every request. ' +
      'Errors are RFC 9457 `application/problem+json`; lists are paged with `limit` and an opaque `cursor`.',
    server: 'Scheme and host of the HTTP API: `https://<api-id>.execute-api.<region>.amazonaws.com` in AWS',
  },
  partner: {
    title: 'Backoffice partner API',
    description:
      'The API partners call with an API key (`x-api-key`). Each key has scopes, and its tier sets a rate limit and a daily quota; ' +
      'every answer states them in the `RateLimit-Policy` and `RateLimit` headers. Errors are RFC 9457 `application/problem+json`; ' +
      'lists are paged with `limit` and an opaque `cursor`.',
    server: 'Scheme, host and stage of the REST API: `https://<api-id>.execute-api.<region>.amazonaws.com/live` in AWS',
  },
};

const HEADERS: Record<string, JsonSchema> = {
  XRequestId: { description: 'The request id, also in the logs and in problem answers', schema: { type: 'string' } },
  ETag: { description: 'The version of the resource as a strong entity tag (`"3"`): send it back in `If-Match`', schema: { type: 'string' } },
  Location: { description: 'Where the created resource (or the approval holding the command back) can be read', schema: { type: 'string' } },
  RetryAfter: { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
  IdempotentReplayed: {
    description: '`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`',
    schema: { type: 'string', enum: ['true'] },
  },
  RateLimitPolicy: {
    description:
      'The quota policies of the key (draft-ietf-httpapi-ratelimit-headers), a structured-field list: `"default";q=10000;w=86400` ' +
      '(q requests per window of w seconds)',
    schema: { type: 'string' },
    example: '"default";q=10000;w=86400',
  },
  RateLimit: {
    description:
      'What remains of each policy (draft-ietf-httpapi-ratelimit-headers): `"default";r=9998;t=3600` (r requests remain, the window ' +
      'resets in t seconds)',
    schema: { type: 'string' },
    example: '"default";r=9998;t=3600',
  },
};

/** The error statuses an operation can answer, from what it takes, who may call it and what it does. */
export function errorStatuses(route: RouteSpec): number[] {
  const takesInput = Boolean(route.params || route.query || route.body || route.ifMatch || route.idempotencyKey);
  const checksGrant = 'permission' in route.access || 'scope' in route.access;
  const hasPathParams = /\{[^}]+\}/.test(route.path);
  const statuses: Array<[number, boolean]> = [
    [400, takesInput],
    [401, true],
    [403, checksGrant],
    [404, route.notFound ?? hasPathParams],
    [409, route.conflicts ?? route.method !== 'GET'],
    [412, route.ifMatch !== undefined],
    [413, route.body !== undefined],
    [415, route.body !== undefined],
    [422, route.idempotencyKey !== undefined],
    [428, route.ifMatch === 'required'],
    // Both gateways throttle: the admin stage, the partner usage plans (rate and daily quota).
    [429, true],
  ];
  return statuses.filter(([, applies]) => applies).map(([status]) => status);
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** Lists take `limit` and `cursor`; the sentence saying so is added to their descriptions. */
function pagingSentence(route: RouteSpec, query: JsonSchema | undefined): string {
  const props = (query?.properties ?? {}) as Record<string, unknown>;
  return route.method === 'GET' && 'cursor' in props
    ? ' Paged: `limit` items per page; pass the `nextCursor` of an answer as `cursor` for the next page (a tampered cursor is 400).'
    : '';
}

function accessSentence(route: RouteSpec): string {
  const access = route.access;
  if ('permission' in access) return `Needs the \`${access.permission}\` permission.`;
  if ('scope' in access) return `Needs the \`${access.scope}\` scope.`;
  return route.api === 'admin' ? 'Any active staff member may call it.' : 'Any valid API key may call it.';
}

/**
 * Builds the OpenAPI 3.1 document of one API from the route table: only that API's operations, with
 * paths relative to its base path (`servers`). zod 4 emits JSON Schema 2020-12, which is OpenAPI
 * 3.1's dialect; schemas registered with an id become shared components, and so does every request
 * body (named after the operation unless it has an id of its own).
 */
/** One event type a partner API documents under `webhooks` (OpenAPI 3.1): what is POSTed to its endpoints. */
export interface WebhookSpec {
  name: string;
  description: string;
  /** Who receives it, in words. */
  audience: string;
  /** The resource in the envelope's `data`. */
  data: z.ZodMiniType;
}

const WEBHOOK_HEADERS = [
  ['webhook-id', 'The event id (`msg_…`): the same on every retry and replay, and in the event feed; deduplicate on it'],
  ['webhook-timestamp', 'Unix seconds of this attempt; refuse one far from your clock (replay protection)'],
  ['webhook-signature', 'Space-separated `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, one per valid secret (two during a rotation)'],
] as const;

export function buildOpenApi(allRoutes: readonly RouteSpec[], api: ApiName, version: string, webhookSpecs: readonly WebhookSpec[] = []): JsonSchema {
  const routes = allRoutes.filter((route) => route.api === api);
  const schemas: Record<string, JsonSchema> = {};
  const headers: Record<string, JsonSchema> = {};
  const header = (name: keyof typeof HEADERS) => {
    headers[name] ??= HEADERS[name]!;
    return { $ref: `#/components/headers/${name}` };
  };
  const convert = (schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema => {
    const raw = JSON.stringify(z.toJSONSchema(schema, { io, unrepresentable: 'any' }));
    const json = JSON.parse(raw.replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    for (const [id, def] of Object.entries(defs)) schemas[id] ??= def;
    const { $schema: _s, $defs: _d, ...rest } = json;
    return rest;
  };
  const resolve = (json: JsonSchema): JsonSchema =>
    typeof json.$ref === 'string' ? (schemas[json.$ref.replace('#/components/schemas/', '')] ?? {}) : json;

  // Headers every answer of this API carries.
  const common = (): Record<string, unknown> => ({
    'X-Request-Id': header('XRequestId'),
    ...(api === 'partner' ? { 'RateLimit-Policy': header('RateLimitPolicy'), RateLimit: header('RateLimit') } : {}),
  });
  let problemUsed = false;

  const paths: Record<string, Record<string, unknown>> = {};
  const usedTags = new Set<ModuleName>();
  for (const route of routes) {
    const parameters: unknown[] = [];
    const query = route.query ? convert(route.query, 'input') : undefined;
    for (const [location, schema] of [
      ['path', route.params],
      ['query', route.query],
    ] as const) {
      if (!schema) continue;
      const json = convert(schema, 'input');
      const props = (json.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((json.required ?? []) as string[]);
      for (const [name, prop] of Object.entries(props)) {
        const { description, ...propSchema } = prop;
        parameters.push({
          name,
          in: location,
          required: location === 'path' || required.has(name),
          ...(typeof description === 'string' ? { description } : {}),
          schema: propSchema,
        });
      }
    }
    if (route.ifMatch) {
      parameters.push({
        name: 'If-Match',
        in: 'header',
        required: route.ifMatch === 'required',
        description: 'The version you read, as its `ETag` (`"3"`): the command is refused with 412 when the resource changed since',
        schema: { type: 'string' },
      });
    }
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
      const code = Number(status);
      const body = schema ? convert(schema, 'output') : undefined;
      const properties = body ? (resolve(body).properties as Record<string, unknown> | undefined) : undefined;
      responses[status] = {
        description: STATUS_TEXT[code] ?? status,
        headers: {
          ...common(),
          ...(properties && 'version' in properties ? { ETag: header('ETag') } : {}),
          ...(route.location?.includes(code) ? { Location: header('Location') } : {}),
          ...(route.idempotencyKey ? { 'Idempotent-Replayed': header('IdempotentReplayed') } : {}),
        },
        ...(body ? { content: { 'application/json': { schema: body } } } : {}),
      };
    }
    for (const status of errorStatuses(route)) {
      problemUsed = true;
      responses[String(status)] ??= {
        description: ERROR_TEXT[status],
        headers: { ...common(), ...(status === 429 ? { 'Retry-After': header('RetryAfter') } : {}) },
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    }

    let requestBody: unknown;
    if (route.body) {
      const json = convert(route.body, 'input');
      const name = `${pascal(route.operationId)}Request`;
      if (typeof json.$ref !== 'string') schemas[name] ??= json;
      const ref = typeof json.$ref === 'string' ? json.$ref : `#/components/schemas/${name}`;
      requestBody = { required: true, content: { 'application/json': { schema: { $ref: ref } } } };
    }

    usedTags.add(route.module);
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      description: `${route.description}${pagingSentence(route, query)} ${accessSentence(route)}`,
      tags: [route.module],
      security: api === 'admin' ? [{ staffJwt: [] }] : [{ partnerApiKey: [] }],
      'x-backoffice-access': route.access,
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses,
    };
  }
  if (problemUsed) {
    schemas.Problem = {
      type: 'object',
      description: 'An RFC 9457 problem: what went wrong, for people (`title`, `detail`) and programs (`type`, `status`)',
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
    };
  }

  const webhooks: Record<string, unknown> = {};
  for (const spec of webhookSpecs) {
    webhooks[spec.name] = {
      post: {
        operationId: spec.name.replace(/[._](\w)/g, (_m, c: string) => c.toUpperCase()),
        summary: spec.name,
        description: `${spec.description} Sent to ${spec.audience}, to each endpoint subscribed to \`${spec.name}\` (Standard Webhooks signatures), and listed in the event feed (\`GET /events\`).`,
        parameters: WEBHOOK_HEADERS.map(([name, description]) => ({ name, in: 'header', required: true, description, schema: { type: 'string' } })),
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['type', 'timestamp', 'data'],
                properties: { type: { const: spec.name }, timestamp: { type: 'string', format: 'date-time' }, data: convert(spec.data, 'output') },
              },
            },
          },
        },
        responses: {
          '2XX': { description: 'Received. 410 disables the endpoint; any other answer, or none within 10 s, is retried (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h)' },
        },
      },
    };
  }

  const info = API_INFO[api];
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version,
      description: info.description,
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [
      {
        url: `{origin}${API_BASE_PATH[api]}`,
        description: `The ${api} API; paths below are relative to it`,
        variables: { origin: { default: 'http://localhost:3000', description: info.server } },
      },
    ],
    tags: [...usedTags].sort().map((name) => ({ name, description: TAGS[name] })),
    security: api === 'admin' ? [{ staffJwt: [] }] : [{ partnerApiKey: [] }],
    paths,
    ...(webhookSpecs.length ? { webhooks } : {}),
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
      headers,
      securitySchemes:
        api === 'admin'
          ? { staffJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A staff access token' } }
          : { partnerApiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'A partner API key' } },
    },
  };
}
