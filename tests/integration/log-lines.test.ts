import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import type { RouteSpec } from '../../functions/shared/http/route';
import { adminEvent, lambdaContext, routeById } from '../support/lambda-events';

/**
 * Operations (issue 10): every log line of a module Lambda is one JSON object carrying the API
 * Gateway request id (the id in the access log and in problem+json answers), the route, the
 * principal and Lambda's own request id, so one search by request id finds a request end to end.
 * The logger is loaded with the deployed settings (JSON, INFO), not the local pretty-printing.
 */
type Handler = (event: unknown, context: Context) => Promise<APIGatewayProxyResult>;
let handler: Handler;
let catalogRoutes: readonly RouteSpec[];
let createStaff: (roles: string[]) => Promise<string>;
let repository: typeof import('../../functions/catalog/product-repository');

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  process.env.POWERTOOLS_SERVICE_NAME = 'catalog';
  delete process.env.POWERTOOLS_DEV;
  ({ handler } = (await import('../../functions/catalog/handler')) as unknown as { handler: Handler });
  ({ catalogRoutes } = await import('../../functions/catalog/routes'));
  ({ createStaff } = await import('../support/staff'));
  repository = await import('../../functions/catalog/product-repository');
});

afterEach(() => jest.restoreAllMocks());

/** Runs one invocation and returns every line it wrote to stdout or stderr, parsed. */
async function invocationLines(event: unknown, context: Context): Promise<{ result: APIGatewayProxyResult; lines: Array<Record<string, unknown>> }> {
  const written: string[] = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  let result: APIGatewayProxyResult;
  try {
    result = await handler(event, context);
  } finally {
    jest.restoreAllMocks();
  }
  const lines = written.join('').split('\n').filter((line) => line.trim() !== '');
  return { result, lines: lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const route = (id: string) => routeById(catalogRoutes, id);

test('a refused request logs one JSON line with request id, route, principal and the Lambda request id', async () => {
  const analyst = await createStaff(['analyst']);
  const event = adminEvent(route('createProduct'), { staffId: analyst, body: { sku: 'LOG-1', name: 'x', price: { amount: 1, currency: 'EUR' } } });
  const context = lambdaContext();
  const { result, lines } = await invocationLines(event, context);
  expect(result.statusCode).toBe(403);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    level: 'WARN',
    message: 'Access refused',
    service: 'catalog',
    requestId: event.requestContext.requestId,
    route: 'POST /admin/v1/products',
    principal: `staff:${analyst}`,
    function_request_id: context.awsRequestId,
    timestamp: expect.any(String),
  });
  // The event (tokens, bodies) is never logged.
  expect(JSON.stringify(lines)).not.toContain('LOG-1');
});

test('an unexpected error logs the error with the same keys, and the answer carries only the request id', async () => {
  const admin = await createStaff(['admin']);
  jest.spyOn(repository, 'insertProduct').mockRejectedValue(new Error('disk on fire'));
  const event = adminEvent(route('createProduct'), { staffId: admin, body: { sku: 'LOG-2', name: 'x', price: { amount: 1, currency: 'EUR' } } });
  const context = lambdaContext();
  const { result, lines } = await invocationLines(event, context);
  expect(result.statusCode).toBe(500);
  expect(result.body).not.toContain('disk on fire');
  expect(JSON.parse(result.body)).toMatchObject({ requestId: event.requestContext.requestId });
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    level: 'ERROR',
    requestId: event.requestContext.requestId,
    route: 'POST /admin/v1/products',
    principal: `staff:${admin}`,
    function_request_id: context.awsRequestId,
    error: expect.objectContaining({ message: 'disk on fire' }),
  });
});

test('keys of one invocation never leak into the next', async () => {
  const analyst = await createStaff(['analyst']);
  await invocationLines(adminEvent(route('createProduct'), { staffId: analyst, body: { sku: 'LOG-3', name: 'x', price: { amount: 1, currency: 'EUR' } } }), lambdaContext());
  // Without credentials: refused before any principal is known.
  const event = adminEvent(route('createProduct'), { body: { sku: 'LOG-4', name: 'x', price: { amount: 1, currency: 'EUR' } } });
  delete (event.requestContext as { authorizer?: unknown }).authorizer;
  const { result, lines } = await invocationLines(event, lambdaContext());
  expect(result.statusCode).toBe(401);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ requestId: event.requestContext.requestId, route: 'POST /admin/v1/products' });
  expect(lines[0]).not.toHaveProperty('principal');
});
