import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResult,
  Context,
} from 'aws-lambda';
import { badRequest, forbidden, HttpProblem, payloadTooLarge, unauthorized, unsupportedMediaType } from '../errors';
import { requirePermission } from '../auth/authorize';
import type { Principal } from '../auth/principal';
import { resolveStaffPrincipal } from '../auth/staff-resolver';
import { now } from '../clock';
import { optionalEnv } from '../env';
import { logger } from '../logger';
import { CORS_EXPOSE_HEADERS } from './cors';
import { problemErrorHandler } from './problem';
import { rateLimitHeaders, rateLimitsOfContext, requestsTodayOfContext } from './rate-limit';
import { DEFAULT_BODY_LIMIT, routeKey, type Implementations, type RouteRequest, type RouteSpec } from './route';
import { validate } from './validation';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer | APIGatewayProxyEvent;

const isV2 = (event: HttpEvent): event is APIGatewayProxyEventV2WithJWTAuthorizer => 'routeKey' in event;

/** The fields this stack needs, read the same way from HTTP API (v2) and REST API (v1) events. */
function describe(event: HttpEvent) {
  if (isV2(event)) {
    return {
      key: event.routeKey,
      requestId: event.requestContext.requestId,
      sourceIp: event.requestContext.http.sourceIp,
      path: event.rawPath,
    };
  }
  return {
    key: `${event.httpMethod} ${event.resource}`,
    requestId: event.requestContext.requestId,
    sourceIp: event.requestContext.identity.sourceIp,
    path: event.path,
  };
}

const requestIdOf = (event: unknown) => (event as HttpEvent)?.requestContext?.requestId ?? 'unknown';
const pathOf = (event: unknown) => {
  const e = event as HttpEvent | undefined;
  if (!e) return undefined;
  return isV2(e) ? e.rawPath : e.path;
};

/** Partner API answers, errors included, carry the key's rate-limit fields from the authorizer context. */
function rateLimitHeadersOf(event: unknown): Record<string, string> {
  const e = event as HttpEvent | undefined;
  if (!e?.requestContext || isV2(e)) return {};
  const context = e.requestContext.authorizer as Record<string, unknown> | null | undefined;
  const limits = rateLimitsOfContext(context);
  return limits ? rateLimitHeaders(limits, requestsTodayOfContext(context), now()) : {};
}

async function authenticate(route: RouteSpec, event: HttpEvent): Promise<Principal> {
  if (route.api === 'admin') {
    const claims = isV2(event) ? event.requestContext.authorizer?.jwt?.claims : undefined;
    if (!claims) throw unauthorized();
    const staff = await resolveStaffPrincipal(claims);
    logger.appendKeys({ principal: staff.actor });
    if (!('authenticated' in route.access)) requirePermission(staff, route.access.permission);
    return staff;
  }
  // Partner routes: the REST API's Lambda authorizer has already resolved the key.
  const context = isV2(event) ? undefined : event.requestContext.authorizer;
  const partnerId = context?.partnerId as string | undefined;
  const keyId = context?.keyId as string | undefined;
  if (!partnerId || !keyId) throw unauthorized('Missing or invalid API key');
  logger.appendKeys({ principal: `partner:${partnerId}`, apiKey: keyId });
  const scopes = String(context?.scopes ?? '').split(' ').filter(Boolean);
  if ('scope' in route.access && !scopes.includes(route.access.scope)) throw forbidden(`This requires the ${route.access.scope} scope`);
  return { kind: 'partner', id: partnerId, keyId, scopes, actor: `partner:${partnerId}` };
}

const JSON_CONTENT_TYPE = /^application\/(.+\+)?json(\s*;.*)?$/i;

function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(header);
  if (!match) throw badRequest('If-Match must be an entity tag such as "3"', [{ path: 'headers.if-match', message: 'Invalid entity tag' }]);
  return Number(match[1]);
}

/** Size checks run on the raw body, before parsing, so an oversized payload costs nothing. */
function checkBody(route: RouteSpec, event: HttpEvent): void {
  const body = event.body;
  if (body === undefined || body === null || body === '') return;
  const bytes = event.isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body, 'utf8');
  const limit = route.bodyLimit ?? DEFAULT_BODY_LIMIT;
  if (bytes > limit) throw payloadTooLarge(limit);
}

function expectJsonBody(route: RouteSpec, event: HttpEvent): void {
  if (!route.body) return;
  const contentType = event.headers?.['content-type'];
  if (!contentType || !JSON_CONTENT_TYPE.test(contentType)) throw unsupportedMediaType();
}

function toResponse(status: number, body: unknown, headers: Record<string, string> | undefined, requestId: string): APIGatewayProxyResult {
  const out: Record<string, string> = { 'x-request-id': requestId, ...headers };
  // Responses that carry a versioned resource expose the version as a strong ETag.
  if (body && typeof body === 'object' && 'version' in body && Number.isInteger((body as { version: unknown }).version)) {
    out.etag = `"${(body as { version: number }).version}"`;
  }
  if (body === undefined) return { statusCode: status, headers: out, body: '' };
  out['content-type'] = 'application/json';
  return { statusCode: status, headers: out, body: JSON.stringify(body) };
}

const validateResponses = optionalEnv('VALIDATE_RESPONSES', 'false') === 'true';

/**
 * Builds a module's Lambda handler from its slice of the route table. API Gateway has already
 * matched the route, so dispatch is an exact lookup of its route key.
 */
export function createHttpHandler<const Routes extends readonly RouteSpec[]>(
  routes: Routes,
  implementations: NoInfer<Implementations<Routes>>,
) {
  const table = new Map<string, { route: RouteSpec; run: (request: RouteRequest<RouteSpec>) => Promise<{ status: number; body: unknown; headers?: Record<string, string> }> }>();
  for (const route of routes) {
    const run = (implementations as Record<string, unknown>)[route.operationId];
    if (typeof run !== 'function') throw new Error(`No implementation for ${route.operationId}`);
    table.set(routeKey(route), { route, run: run as never });
  }
  const allowedOrigins = optionalEnv('ALLOWED_ORIGINS', '').split(',').map((o) => o.trim()).filter(Boolean);

  const core = async (event: HttpEvent, _context: Context): Promise<APIGatewayProxyResult> => {
    const { key, requestId, sourceIp } = describe(event);
    logger.appendKeys({ requestId, route: key });
    const entry = table.get(key);
    if (!entry) throw new HttpProblem(404, 'Not Found', 'No such route', 'no-route');
    const { route, run } = entry;
    const principal = await authenticate(route, event);

    expectJsonBody(route, event);
    const params = route.params ? validate(route.params, event.pathParameters ?? {}, 'params') : undefined;
    const query = route.query ? validate(route.query, event.queryStringParameters ?? {}, 'query') : undefined;
    let body: unknown;
    if (route.body) {
      if (event.body === undefined || event.body === null || typeof event.body === 'string') {
        throw badRequest('A JSON request body is required');
      }
      body = validate(route.body, event.body, 'body');
    }
    const headers = event.headers as Record<string, string | undefined>;
    const request: RouteRequest<RouteSpec> = {
      params: params as never,
      query: query as never,
      body: body as never,
      principal,
      ifMatch: parseIfMatch(headers['if-match']),
      headers,
      requestId,
      sourceIp,
    };
    if (route.ifMatch === 'required' && request.ifMatch === undefined) {
      throw new HttpProblem(428, 'Precondition Required', 'This request needs an If-Match header with the current version', 'precondition-required');
    }
    const result = await run(request);
    if (validateResponses) {
      const schema = route.responses[result.status];
      if (schema === undefined) throw new Error(`${route.operationId} answered undeclared status ${result.status}`);
      if (schema) schema.parse(result.body);
    }
    return toResponse(result.status, result.body, { ...rateLimitHeadersOf(event), ...result.headers }, requestId);
  };

  const parseJson = httpJsonBodyParser({ disableContentTypeError: true });
  return middy<HttpEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpHeaderNormalizer())
    .use(
      httpCors({
        origins: allowedOrigins,
        credentials: false,
        exposeHeaders: CORS_EXPOSE_HEADERS.join(', '),
        maxAge: 600,
      }),
    )
    .use(problemErrorHandler(requestIdOf, pathOf, rateLimitHeadersOf))
    .before(async (request) => {
      // The body policy runs before parsing: 413 for oversized, then JSON parsing by middy, only for
      // routes that take a body (a GET sent with a JSON content type and no body is fine).
      const entry = table.get(describe(request.event).key);
      if (!entry) return;
      checkBody(entry.route, request.event);
      if (entry.route.body && request.event.body) await parseJson.before?.(request as never);
    })
    .handler(core);
}
