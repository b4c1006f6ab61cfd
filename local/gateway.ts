import { advanceClock, now, rewindClock } from '../functions/shared/clock';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayAuthorizerResultContext,
  APIGatewayRequestAuthorizerEvent,
  Context,
  PolicyDocument,
} from 'aws-lambda';
import { PROBLEM_BASE } from '../functions/shared/errors';
import { BURST_POLICY, DAY_POLICY, formatRateLimit, formatRateLimitPolicy, RATE_LIMIT_CONTEXT } from '../functions/shared/http/rate-limit';
import { API_BASE_PATH, type ModuleName, type RouteSpec } from '../functions/shared/http/route';
import { serveConsole, type ConsoleSite } from './console-assets';
import { CorsPolicy } from './cors';
import { LocalSetupError } from './errors';
import { httpApiEvent, lambdaContext, methodArn, requestAuthorizerEvent, restApiEvent, type IncomingCall, type MatchedRoute } from './http-events';
import { TokenRejected, type LocalIssuer } from './jwt-issuer';
import { RouteMatcher } from './route-matcher';
import { UsagePlans, type UsageLimits } from './usage-plans';

/**
 * The local API Gateway: one node:http server serving the admin API (HTTP API semantics: JWT
 * authorizer, CORS) and the partner API (REST API semantics: REQUEST Lambda authorizer, usage-plan
 * throttle and quota) from the route table, plus a few `/local/*` helpers (never deployed).
 */

/** API Gateway's own request payload limit; the Lambda enforces each route's smaller one. */
export const GATEWAY_BODY_LIMIT = 10 * 1024 * 1024;
/** The module functions' timeout (lib/constructs/module-function.ts). */
export const DEFAULT_FUNCTION_TIMEOUT_MS = 10_000;
const PARTNER_LIMITS_CACHE_MS = 5_000;

export type LambdaHandler = (event: never, context: Context) => Promise<unknown>;
export type PartnerAuthorizer = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

export type TokenRequestResult = { token: string; staffId: string; expiresIn: number } | { refused: 'unknown' | 'disabled' };

export interface GatewayOptions {
  port: number;
  host: string;
  /** More addresses to serve on when the machine has them (e.g. `::1`, so `localhost` works either way). */
  extraHosts?: string[];
  routes: readonly RouteSpec[];
  /** The Lambda handler of a module (loaded lazily, once). */
  handlerOf(module: ModuleName): Promise<LambdaHandler>;
  partnerAuthorizer: PartnerAuthorizer;
  /** The usage plan of a partner (rate limit and daily quota), or undefined when it has none. */
  usageLimitsOf(partnerId: string): Promise<UsageLimits | undefined>;
  issuer: LocalIssuer;
  allowedOrigins: readonly string[];
  /** `POST /local/token`: a token for a staff member, by email. */
  tokenFor(email: string): Promise<TokenRequestResult>;
  health(): Record<string, unknown>;
  /** The admin console at `/` (every path outside the APIs and `/local/`); absent: those paths are 404. */
  console?: ConsoleSite;
  functionTimeoutMs?: number;
  /** REST API authorizer result caching (by `x-api-key`); 0 disables it. */
  authorizerCacheTtlMs?: number;
  /** One line per request; omit for silence. */
  accessLog?: (line: string) => void;
  /** Errors thrown by handlers (API Gateway answers 500/502 and logs them). */
  onError?: (error: unknown, where: string) => void;
}

export interface RunningGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  cookies?: string[];
  body: Buffer | string;
}

function problem(status: number, title: string, detail: string, slug: string, call: IncomingCall, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/problem+json', 'x-request-id': call.requestId, ...headers },
    body: JSON.stringify({ type: PROBLEM_BASE + slug, title, status, detail, instance: call.rawPath, requestId: call.requestId }),
  };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/**
 * Every refusal by the gateway itself goes to the security log (stderr, JSON) with route, reason
 * and request id — never the token or key. Refusals by the functions are logged by their error handler.
 */
function securityLog(call: IncomingCall, status: number, reason: string): void {
  console.warn(JSON.stringify({ level: 'WARN', message: 'Access refused', status, method: call.method, path: call.rawPath, reason, requestId: call.requestId, sourceIp: call.sourceIp }));
}

const unauthorized = (call: IncomingCall, detail: string, bearer: boolean) => {
  securityLog(call, 401, detail);
  return problem(401, 'Unauthorized', detail, 'unauthorized', call, bearer ? { 'www-authenticate': 'Bearer error="invalid_token"' } : {});
};

type BodyResult = { ok: true; body: Buffer } | { ok: false };

/** Beyond this an oversized body is not even drained: the connection is dropped. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

/**
 * Reads the body up to `limit` bytes. An oversized body is read to its end and discarded (so the
 * client gets the 413 instead of a broken pipe), unless it is absurdly large.
 */
function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length'] ?? 0) > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (tooLarge) {
        chunks.length = 0;
        if (size > DRAIN_LIMIT) {
          req.destroy();
          resolve({ ok: false });
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? { ok: false } : { ok: true, body: Buffer.concat(chunks) }));
    req.on('error', (error) => (tooLarge ? resolve({ ok: false }) : reject(error)));
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
const TIMED_OUT = Symbol('timed out');

/** Glob match of an IAM resource pattern (`*` any run, `?` one character). */
function resourceMatches(pattern: string, arn: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(arn);
}

/** Evaluates the authorizer's policy for this method ARN: an explicit Deny wins, otherwise an Allow is needed. */
function policyAllows(policy: PolicyDocument, arn: string): boolean {
  let allowed = false;
  for (const statement of policy.Statement ?? []) {
    const actions = 'Action' in statement && statement.Action !== undefined ? [statement.Action].flat() : [];
    if (!actions.some((a) => a === '*' || a === 'execute-api:*' || a === 'execute-api:Invoke')) continue;
    const resources = 'Resource' in statement && statement.Resource !== undefined ? [statement.Resource].flat() : [];
    if (!resources.some((r) => resourceMatches(r, arn))) continue;
    if (statement.Effect === 'Deny') return false;
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed;
}

/** The Lambda's answer as an HTTP reply (payload format 2.0 for the HTTP API, 1.0 for the REST API). */
function replyFromLambda(result: unknown, format: '2.0' | '1.0', call: IncomingCall): Reply {
  if (format === '2.0' && (typeof result === 'string' || (result !== null && typeof result === 'object' && !('statusCode' in result)))) {
    // HTTP API: a result without statusCode is a 200 JSON body.
    return json(200, typeof result === 'string' ? JSON.parse(result) : result);
  }
  if (result === null || typeof result !== 'object' || typeof (result as { statusCode?: unknown }).statusCode !== 'number') {
    return problem(502, 'Bad Gateway', 'The function returned a malformed response', 'bad-gateway', call);
  }
  const r = result as {
    statusCode: number;
    headers?: Record<string, unknown>;
    multiValueHeaders?: Record<string, unknown[]>;
    cookies?: string[];
    body?: string;
    isBase64Encoded?: boolean;
  };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(r.headers ?? {})) headers[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries(r.multiValueHeaders ?? {})) headers[name.toLowerCase()] = values.map(String).join(',');
  const body = r.body === undefined || r.body === null ? '' : r.isBase64Encoded ? Buffer.from(r.body, 'base64') : r.body;
  return { status: r.statusCode, headers, ...(r.cookies ? { cookies: r.cookies } : {}), body };
}

function callOf(req: IncomingMessage, port: number): { call: IncomingCall; path: string } {
  const url = req.url ?? '/';
  const at = url.indexOf('?');
  const rawPath = at < 0 ? url : url.slice(0, at);
  const rawQuery = at < 0 ? '' : url.slice(at + 1);
  const call: IncomingCall = {
    method: (req.method ?? 'GET').toUpperCase(),
    rawPath,
    rawQuery,
    rawHeaders: req.rawHeaders,
    body: Buffer.alloc(0),
    sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    protocol: `HTTP/${req.httpVersion}`,
    host: (req.headers.host ?? `localhost:${port}`).replace(/:\d+$/, ''),
    requestId: randomUUID(),
    receivedAt: Date.now(),
  };
  return { call, path: rawPath };
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const matcher = new RouteMatcher(options.routes);
  const cors = new CorsPolicy(options.allowedOrigins);
  const usage = new UsagePlans(now);
  const limitsCache = new Map<string, { limits: UsageLimits | undefined; expiresAt: number }>();
  const authorizerCache = new Map<string, { result: APIGatewayAuthorizerResult; expiresAt: number }>();
  const timeoutMs = options.functionTimeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS;
  const onError = options.onError ?? ((error: unknown, where: string) => console.error(`[gateway] ${where}:`, error));

  async function usageLimits(partnerId: string): Promise<UsageLimits | undefined> {
    const hit = limitsCache.get(partnerId);
    if (hit && hit.expiresAt > Date.now()) return hit.limits;
    const limits = await options.usageLimitsOf(partnerId);
    limitsCache.set(partnerId, { limits, expiresAt: Date.now() + PARTNER_LIMITS_CACHE_MS });
    return limits;
  }

  /** Invokes a module function; a crash or a timeout is a function error: 500 from the HTTP API, 502 from the REST API. */
  async function invoke(route: RouteSpec, event: unknown, call: IncomingCall, format: '2.0' | '1.0'): Promise<Reply> {
    const handler = await options.handlerOf(route.module);
    const context = lambdaContext(`backoffice-local-${route.module}`, timeoutMs);
    const functionError = () =>
      format === '2.0'
        ? problem(500, 'Internal Server Error', 'Something went wrong on our side', 'internal', call)
        : problem(502, 'Bad Gateway', 'Something went wrong on our side', 'internal', call);
    let result: unknown;
    try {
      result = await withTimeout(handler(event as never, context), timeoutMs);
    } catch (error) {
      onError(error, `${route.module} function failed`);
      return functionError();
    }
    if (result === TIMED_OUT) {
      onError(new Error(`Task timed out after ${timeoutMs / 1000} seconds`), `${route.module} function`);
      return functionError();
    }
    return replyFromLambda(result, format, call);
  }

  async function admin(call: IncomingCall, matched: MatchedRoute, route: RouteSpec, authorization: string | undefined): Promise<Reply> {
    // In AWS the HTTP API's JWT authorizer refuses the request itself with its own 401 body
    // ({"message":"Unauthorized"}); locally the refusal is a problem+json like every other error.
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!bearer) return unauthorized(call, 'A bearer token is required', true);
    let verified;
    try {
      verified = await options.issuer.verify(bearer[1]!);
    } catch (error) {
      if (error instanceof TokenRejected) return unauthorized(call, error.message, true);
      throw error;
    }
    return invoke(route, httpApiEvent(call, matched, verified), call, '2.0');
  }

  async function authorize(call: IncomingCall, matched: MatchedRoute, apiKey: string): Promise<APIGatewayAuthorizerResult | Reply> {
    const ttl = options.authorizerCacheTtlMs ?? 0;
    const cached = ttl > 0 ? authorizerCache.get(apiKey) : undefined;
    if (cached && cached.expiresAt > Date.now()) return cached.result;
    try {
      const result = await options.partnerAuthorizer(requestAuthorizerEvent(call, matched));
      if (ttl > 0) authorizerCache.set(apiKey, { result, expiresAt: Date.now() + ttl });
      return result;
    } catch (error) {
      if (error instanceof Error && error.message === 'Unauthorized') return unauthorized(call, 'Missing or invalid API key', false);
      onError(error, 'partner authorizer failed');
      return problem(500, 'Internal Server Error', 'The authorizer failed', 'authorizer-failure', call);
    }
  }

  async function partner(call: IncomingCall, matched: MatchedRoute, route: RouteSpec, apiKey: string | undefined): Promise<Reply> {
    // The identity source is `x-api-key`: without it the REST API answers 401 without calling the authorizer.
    if (!apiKey) return unauthorized(call, 'An x-api-key header is required', false);
    const authorized = await authorize(call, matched, apiKey);
    if ('status' in authorized) return authorized;
    if (!policyAllows(authorized.policyDocument, methodArn(call))) {
      return problem(403, 'Forbidden', 'User is not authorized to access this resource', 'forbidden', call);
    }
    const context: APIGatewayAuthorizerResultContext = authorized.context ?? {};
    const partnerId = typeof context.partnerId === 'string' ? context.partnerId : undefined;
    const limits = partnerId ? await usageLimits(partnerId) : undefined;
    // A key outside every usage plan is refused by API Gateway (403).
    if (!partnerId || !limits) return problem(403, 'Forbidden', 'This API key has no usage plan', 'forbidden', call);
    const decision = usage.consume(authorized.usageIdentifierKey ?? partnerId, limits);
    if (!decision.allowed) {
      const detail = decision.reason === 'quota' ? 'The daily request quota is used up' : 'Too many requests; slow down';
      // The exhausted policy, as API Gateway's own 429s name it (lib/constructs/partner-api.ts).
      const exhausted = { policy: decision.reason === 'quota' ? DAY_POLICY : BURST_POLICY, remaining: 0, resetSeconds: decision.retryAfterSeconds } as const;
      return problem(429, 'Too Many Requests', detail, decision.reason === 'quota' ? 'quota-exceeded' : 'rate-limited', call, {
        'retry-after': String(decision.retryAfterSeconds),
        'ratelimit-policy': formatRateLimitPolicy({ ...limits.rateLimit, dailyQuota: limits.dailyQuota }),
        ratelimit: formatRateLimit([exhausted]),
      });
    }
    // The gateway is the usage plan here: it hands the function the day's exact count (in AWS the
    // authorizer counts), so the function's RateLimit field is the same in both places.
    const counted = { ...context, [RATE_LIMIT_CONTEXT.requestsToday]: decision.requestsToday };
    return invoke(route, restApiEvent(call, matched, { principalId: authorized.principalId, context: counted }), call, '1.0');
  }

  async function local(call: IncomingCall, path: string, req: IncomingMessage): Promise<Reply> {
    const route = `${call.method} ${path}`;
    if (route === 'GET /local/health') return json(200, { status: 'ok', ...options.health() });
    if (route === 'GET /local/.well-known/jwks.json') return json(200, options.issuer.jwks);
    if (route === 'GET /local/.well-known/openid-configuration') {
      return json(200, {
        issuer: options.issuer.issuer,
        jwks_uri: `${options.issuer.issuer}/.well-known/jwks.json`,
        token_endpoint: `${options.issuer.issuer}/token`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (route === 'POST /local/clock') {
      // Moves the clock of usage plans, key expiry and the functions forward (token checks keep real time);
      // `rewindSeconds` takes back an earlier advance (a test restoring the clock for the tests beside it).
      const read = await readBody(req, 4 * 1024);
      let seconds = NaN;
      let rewind = false;
      try {
        if (read.ok) {
          const given = JSON.parse(read.body.toString('utf8')) as { advanceSeconds?: unknown; rewindSeconds?: unknown };
          rewind = given.rewindSeconds !== undefined && given.advanceSeconds === undefined;
          seconds = Number(rewind ? given.rewindSeconds : given.advanceSeconds);
        }
      } catch {
        // answered below
      }
      if (!Number.isFinite(seconds) || seconds < 0) {
        return problem(400, 'Bad Request', 'Give {"advanceSeconds": <non-negative number>} or {"rewindSeconds": <non-negative number>}', 'invalid-request', call);
      }
      try {
        if (rewind) rewindClock(seconds * 1000);
        else advanceClock(seconds * 1000);
      } catch (error) {
        return problem(409, 'Conflict', (error as Error).message, 'clock-not-advanced', call);
      }
      return json(200, { now: new Date(now()).toISOString() });
    }
    if (route === 'POST /local/token') {
      const read = await readBody(req, 64 * 1024);
      if (!read.ok) return problem(413, 'Payload Too Large', 'The request body is too large', 'payload-too-large', call);
      let email: unknown;
      try {
        email = (JSON.parse(read.body.toString('utf8')) as { email?: unknown }).email;
      } catch {
        return problem(400, 'Bad Request', 'The request body is not valid JSON', 'malformed-json', call);
      }
      if (typeof email !== 'string' || !email.includes('@')) {
        return problem(400, 'Bad Request', 'Give the email of a staff member: {"email": "admin@example.com"}', 'invalid-request', call);
      }
      const result = await options.tokenFor(email);
      if ('refused' in result) {
        return result.refused === 'unknown'
          ? problem(404, 'Not Found', `No staff member has the email ${email}`, 'not-found', call)
          : problem(403, 'Forbidden', 'This staff account is disabled', 'forbidden', call);
      }
      return json(200, { token: result.token, tokenType: 'Bearer', expiresIn: result.expiresIn, staffId: result.staffId });
    }
    return problem(404, 'Not Found', 'No such route', 'no-route', call);
  }

  async function route(req: IncomingMessage, call: IncomingCall, path: string): Promise<Reply> {
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const isAdmin = path.startsWith(`${API_BASE_PATH.admin}/`);
    const isLocal = path.startsWith('/local/');
    // The admin API (and the local sign-in) answer preflights and set CORS headers like the HTTP API.
    const browserFacing = isAdmin || isLocal;
    if (browserFacing && CorsPolicy.isPreflight(call.method, req.headers)) {
      return { status: 204, headers: cors.preflightHeaders(origin), body: '' };
    }
    const reply = await dispatch(req, call, path);
    return browserFacing ? { ...reply, headers: cors.applyToResponse(origin, reply.headers) } : reply;
  }

  const isApiPath = (path: string) => path.startsWith(`${API_BASE_PATH.admin}/`) || path.startsWith(`${API_BASE_PATH.partner}/`);

  async function dispatch(req: IncomingMessage, call: IncomingCall, path: string): Promise<Reply> {
    if (path.startsWith('/local/')) return local(call, path, req);
    if (options.console && !isApiPath(path)) return serveConsole(options.console, call.method, path);
    const match = matcher.match(call.method, path);
    if (match.kind === 'bad-path') return problem(400, 'Bad Request', 'The path is not valid', 'invalid-request', call);
    if (match.kind === 'not-found') return problem(404, 'Not Found', 'No such route', 'no-route', call);
    if (match.kind === 'method-not-allowed') {
      const allow = match.allowed.join(', ');
      return problem(405, 'Method Not Allowed', `This path accepts ${allow}`, 'method-not-allowed', call, { allow });
    }
    const body = await readBody(req, GATEWAY_BODY_LIMIT);
    if (!body.ok) return problem(413, 'Payload Too Large', `The request body exceeds ${GATEWAY_BODY_LIMIT} bytes`, 'payload-too-large', call);
    call.body = body.body;
    const matched: MatchedRoute = { routeKey: match.routeKey, resource: match.resource, pathParameters: match.pathParameters };
    if (match.route.api === 'admin') {
      const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
      const reply = await admin(call, matched, match.route, authorization);
      return { ...reply, headers: { ...reply.headers, 'apigw-requestid': call.requestId } };
    }
    const apiKey = req.headers['x-api-key'];
    const reply = await partner(call, matched, match.route, typeof apiKey === 'string' ? apiKey : undefined);
    return { ...reply, headers: { ...reply.headers, 'x-amzn-requestid': call.requestId } };
  }

  function send(res: ServerResponse, reply: Reply): void {
    const headers: Record<string, string | string[]> = { ...reply.headers };
    if (reply.cookies?.length) headers['set-cookie'] = reply.cookies;
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  }

  function serve(req: IncomingMessage, res: ServerResponse): void {
    const { call, path } = callOf(req, options.port);
    route(req, call, path)
      .then((reply) => {
        send(res, reply);
        options.accessLog?.(`${call.method} ${req.url ?? path} → ${reply.status} (${Date.now() - call.receivedAt} ms)`);
      })
      .catch((error: unknown) => {
        onError(error, `${call.method} ${path}`);
        if (!res.headersSent) send(res, problem(500, 'Internal Server Error', 'Something went wrong on our side', 'internal', call));
        else res.destroy();
      });
  }

  const listen = (server: Server, host: string, port: number, optional: boolean) =>
    new Promise<boolean>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (optional && (error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT')) {
          resolve(false);
          return;
        }
        reject(
          error.code === 'EADDRINUSE'
            ? new LocalSetupError(`Port ${port} is already in use. Stop whatever uses it or choose another port: PORT=${port + 1} npm start`)
            : error.code === 'EACCES'
              ? new LocalSetupError(`Port ${port} cannot be opened (permission denied). Choose another port, e.g. PORT=3000 npm start`)
              : error,
        );
      });
      server.listen(port, host, () => resolve(true));
    });

  const servers: Server[] = [createServer(serve)];
  await listen(servers[0]!, options.host, options.port, false);
  const port = (servers[0]!.address() as AddressInfo).port;
  try {
    for (const host of options.extraHosts ?? []) {
      const extra = createServer(serve);
      if (await listen(extra, host, port, true)) servers.push(extra);
    }
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }
  for (const server of servers) server.keepAliveTimeout = 5_000;

  return {
    url: `http://localhost:${port}`,
    port,
    close: () =>
      Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      ).then(() => undefined),
  };
}
