import { randomUUID } from 'node:crypto';
import type {
  APIGatewayAuthorizerResultContext,
  APIGatewayEventIdentity,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from 'aws-lambda';
import type { JWTPayload } from 'jose';
import { LOCAL_REGION } from './dynamodb';

/**
 * Builders of the events API Gateway sends to Lambda, from one incoming HTTP request: HTTP API
 * payload format 2.0 for the admin API, REST API proxy events (1.0) and REQUEST authorizer events
 * for the partner API. Handlers cannot tell these from the real ones.
 */
export const LOCAL_ACCOUNT_ID = '000000000000';
export const ADMIN_API_ID = 'localadmin';
export const PARTNER_API_ID = 'localpartner';
/** The REST API's stage, as lib/constructs/partner-api.ts names it (the HTTP API uses `$default`). */
export const PARTNER_STAGE = 'live';

export interface IncomingCall {
  method: string;
  /** The request path as sent (still percent-encoded), without the query string. */
  rawPath: string;
  rawQuery: string;
  /** Node's `rawHeaders`: name, value, name, value… with the client's casing. */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  protocol: string;
  host: string;
  requestId: string;
  receivedAt: number;
}

export interface MatchedRoute {
  /** `GET /admin/v1/products/{id}` */
  routeKey: string;
  /** `/admin/v1/products/{id}` */
  resource: string;
  pathParameters: Record<string, string>;
}

/** Content types API Gateway passes as text; anything else reaches an HTTP API Lambda base64-encoded. */
const TEXT_CONTENT = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded|graphql)\b)/i;

function headerPairs(call: IncomingCall): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < call.rawHeaders.length; i += 2) pairs.push([call.rawHeaders[i]!, call.rawHeaders[i + 1]!]);
  return pairs;
}

function decodeQueryComponent(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

function queryPairs(rawQuery: string): Array<[string, string]> {
  if (!rawQuery) return [];
  return rawQuery
    .split('&')
    .filter(Boolean)
    .map((part) => {
      const at = part.indexOf('=');
      return at < 0 ? [decodeQueryComponent(part), ''] : [decodeQueryComponent(part.slice(0, at)), decodeQueryComponent(part.slice(at + 1))];
    });
}

function userAgentOf(call: IncomingCall): string {
  return headerPairs(call).find(([name]) => name.toLowerCase() === 'user-agent')?.[1] ?? '';
}

/** HTTP API claims: every value is passed as a string, arrays as `[a b]`. */
function stringifyClaims(claims: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) out[name] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object') out[name] = JSON.stringify(value);
    else out[name] = String(value);
  }
  return out;
}

/** HTTP API (payload 2.0) event after the JWT authorizer accepted the token. */
export function httpApiEvent(
  call: IncomingCall,
  route: MatchedRoute,
  jwt: { claims: JWTPayload; scopes: string[] },
): APIGatewayProxyEventV2WithJWTAuthorizer {
  // Header names are lower-cased and repeated headers joined with commas; cookies get their own field.
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of headerPairs(call)) {
    const key = name.toLowerCase();
    if (key === 'cookie') {
      cookies.push(...value.split(';').map((c) => c.trim()).filter(Boolean));
      continue;
    }
    headers[key] = headers[key] === undefined ? value : `${headers[key]},${value}`;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of queryPairs(call.rawQuery)) query[name] = query[name] === undefined ? value : `${query[name]},${value}`;

  const contentType = headers['content-type'];
  const hasBody = call.body.length > 0;
  const isText = !contentType || TEXT_CONTENT.test(contentType);
  const time = new Date(call.receivedAt);

  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: call.rawPath,
    rawQueryString: call.rawQuery,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(route.pathParameters).length > 0 ? { pathParameters: route.pathParameters } : {}),
    ...(hasBody ? { body: isText ? call.body.toString('utf8') : call.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !isText,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: ADMIN_API_ID,
      domainName: call.host,
      domainPrefix: call.host.split('.')[0] ?? call.host,
      http: {
        method: call.method,
        path: call.rawPath,
        protocol: call.protocol,
        sourceIp: call.sourceIp,
        userAgent: userAgentOf(call),
      },
      requestId: call.requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: time.toISOString(),
      timeEpoch: call.receivedAt,
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: { claims: stringifyClaims(jwt.claims), scopes: jwt.scopes.length > 0 ? jwt.scopes : null },
      },
    },
  };
}

interface RestParts {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
  pathParameters: Record<string, string> | null;
}

/** REST API form: header names keep the client's casing; the last value wins in the single-value map. */
function restParts(call: IncomingCall, route: MatchedRoute): RestParts {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of headerPairs(call)) {
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const pairs = queryPairs(call.rawQuery);
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of pairs) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  return {
    headers,
    multiValueHeaders,
    queryStringParameters: pairs.length > 0 ? query : null,
    multiValueQueryStringParameters: pairs.length > 0 ? multiQuery : null,
    pathParameters: Object.keys(route.pathParameters).length > 0 ? route.pathParameters : null,
  };
}

function restIdentity(call: IncomingCall): APIGatewayEventIdentity {
  return {
    accessKey: null,
    accountId: null,
    apiKey: null,
    apiKeyId: null,
    caller: null,
    clientCert: null,
    cognitoAuthenticationProvider: null,
    cognitoAuthenticationType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    principalOrgId: null,
    sourceIp: call.sourceIp,
    user: null,
    userAgent: userAgentOf(call) || null,
    userArn: null,
  };
}

function restRequestContext(call: IncomingCall, route: MatchedRoute) {
  return {
    accountId: LOCAL_ACCOUNT_ID,
    apiId: PARTNER_API_ID,
    domainName: call.host,
    domainPrefix: call.host.split('.')[0] ?? call.host,
    extendedRequestId: call.requestId,
    httpMethod: call.method,
    identity: restIdentity(call),
    path: `/${PARTNER_STAGE}${call.rawPath}`,
    protocol: call.protocol,
    requestId: call.requestId,
    requestTime: new Date(call.receivedAt).toUTCString(),
    requestTimeEpoch: call.receivedAt,
    resourceId: route.resource,
    resourcePath: route.resource,
    stage: PARTNER_STAGE,
  };
}

export function methodArn(call: IncomingCall): string {
  return `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${PARTNER_API_ID}/${PARTNER_STAGE}/${call.method}${call.rawPath}`;
}

/** The REQUEST authorizer's event (identity source: the `x-api-key` header). */
export function requestAuthorizerEvent(call: IncomingCall, route: MatchedRoute): APIGatewayRequestAuthorizerEvent {
  const parts = restParts(call, route);
  return {
    type: 'REQUEST',
    methodArn: methodArn(call),
    resource: route.resource,
    path: call.rawPath,
    httpMethod: call.method,
    ...parts,
    stageVariables: null,
    requestContext: { ...restRequestContext(call, route), authorizer: undefined },
  };
}

/** REST API Lambda proxy event, with the authorizer's principal and context. */
export function restApiEvent(
  call: IncomingCall,
  route: MatchedRoute,
  authorizer: { principalId: string; context: APIGatewayAuthorizerResultContext },
): APIGatewayProxyEvent {
  const parts = restParts(call, route);
  return {
    resource: route.resource,
    path: call.rawPath,
    httpMethod: call.method,
    ...parts,
    stageVariables: null,
    // Without binary media types the REST API passes bodies as text.
    body: call.body.length > 0 ? call.body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      ...restRequestContext(call, route),
      authorizer: { principalId: authorizer.principalId, integrationLatency: 0, ...authorizer.context },
    },
  };
}

/** A Lambda context for one invocation; the remaining time counts down from the function timeout. */
export function lambdaContext(functionName: string, timeoutMs: number, memoryMb = 1024): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
