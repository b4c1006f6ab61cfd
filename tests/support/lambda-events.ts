import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResult, Context } from 'aws-lambda';
import { fullPath, routeKey, type RouteSpec } from '../../functions/shared/http/route';
import { assertNoStorageAttributes } from './storage-leaks';

/** Builds the HTTP API (v2) event API Gateway would send after its JWT authorizer accepted a token. */
export function adminEvent(
  route: RouteSpec,
  options: {
    staffId?: string;
    params?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
): APIGatewayProxyEventV2WithJWTAuthorizer {
  let path = fullPath(route);
  for (const [name, value] of Object.entries(options.params ?? {})) path = path.replace(`{${name}}`, value);
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = {
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...options.headers,
  };
  return {
    version: '2.0',
    routeKey: routeKey(route),
    rawPath: path,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers,
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.params ? { pathParameters: options.params } : {}),
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      requestId: randomUUID(),
      routeKey: routeKey(route),
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      http: { method: route.method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.7', userAgent: 'jest' },
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: options.staffId === undefined ? (undefined as never) : { claims: { sub: options.staffId, username: options.staffId, token_use: 'access' }, scopes: [] },
      },
    },
  };
}

/** Builds the REST API (v1) event API Gateway sends after the partner key authorizer allowed the key. */
export function partnerEvent(
  route: RouteSpec,
  options: {
    partnerId: string;
    scopes?: string[];
    params?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
    headers?: Record<string, string>;
  },
): APIGatewayProxyEvent {
  let path = fullPath(route);
  for (const [name, value] of Object.entries(options.params ?? {})) path = path.replace(`{${name}}`, value);
  const body = options.body === undefined ? null : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...(body === null ? {} : { 'Content-Type': 'application/json' }), ...options.headers };
  const requestId = randomUUID();
  return {
    resource: fullPath(route),
    path,
    httpMethod: route.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: options.query ? Object.fromEntries(Object.entries(options.query).map(([k, v]) => [k, [v]])) : null,
    pathParameters: options.params ?? null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: {
        principalId: options.partnerId,
        integrationLatency: 0,
        partnerId: options.partnerId,
        keyId: 'test-key',
        scopes: (options.scopes ?? ['catalog:read', 'orders:read', 'orders:write', 'shipments:write', 'content:read', 'tickets:write', 'webhooks:manage', 'events:read']).join(' '),
      },
      httpMethod: route.method,
      identity: { sourceIp: '203.0.113.9', userAgent: 'jest' } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/live${path}`,
      protocol: 'HTTP/1.1',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: fullPath(route),
      resourcePath: fullPath(route),
      stage: 'live',
    },
  };
}

export function lambdaContext(name = 'test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface ParsedResponse {
  status: number;
  headers: Record<string, string>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
}

/** The handler's answer, parsed; every answer is checked for leaked storage attributes on the way. */
export function parse(result: APIGatewayProxyResult): ParsedResponse {
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const body = result.body ? JSON.parse(result.body) : undefined;
  assertNoStorageAttributes(body);
  return { status: result.statusCode, headers, body };
}

export function routeById(routes: readonly RouteSpec[], operationId: string): RouteSpec {
  const route = routes.find((r) => r.operationId === operationId);
  if (!route) throw new Error(`No route ${operationId}`);
  return route;
}
