import type { APIGatewayProxyResult } from 'aws-lambda';
import { routes } from '../../functions/routes';
import { notFound } from '../../functions/shared/errors';
import { createHttpHandler } from '../../functions/shared/http/app';
import {
  formatRateLimit,
  formatRateLimitPolicy,
  rateLimitContext,
  rateLimitHeaders,
  rateLimitsOfContext,
  requestsTodayOfContext,
  secondsToNextUtcDay,
} from '../../functions/shared/http/rate-limit';
import { lambdaContext, partnerEvent } from '../support/lambda-events';

const standard = { requestsPerSecond: 10, burst: 20, dailyQuota: 10_000 };

describe('RateLimit header fields (draft-ietf-httpapi-ratelimit-headers, structured fields)', () => {
  it('states the day quota and the bucket size as policies', () => {
    expect(formatRateLimitPolicy(standard)).toBe('"day";q=10000;w=86400, "burst";q=20;w=1');
  });

  it('states what is left, with whole seconds to the reset', () => {
    expect(formatRateLimit([{ policy: 'day', remaining: 9876, resetSeconds: 43_200 }])).toBe('"day";r=9876;t=43200');
    expect(formatRateLimit([{ policy: 'burst', remaining: 0, resetSeconds: 0.2 }])).toBe('"burst";r=0;t=1');
    expect(formatRateLimit([{ policy: 'day', remaining: -3 }])).toBe('"day";r=0');
  });

  it('resets the day quota at UTC midnight, as API Gateway DAY quotas do', () => {
    expect(secondsToNextUtcDay(Date.parse('2026-03-01T12:00:00.000Z'))).toBe(43_200);
    expect(secondsToNextUtcDay(Date.parse('2026-03-01T23:59:59.500Z'))).toBe(1);
  });

  it('round-trips the limits through an authorizer context, whose values arrive as strings', () => {
    const context = Object.fromEntries(Object.entries({ ...rateLimitContext(standard), requestsToday: 124 }).map(([k, v]) => [k, String(v)]));
    expect(rateLimitsOfContext(context)).toEqual(standard);
    expect(requestsTodayOfContext(context)).toBe(124);
    expect(rateLimitsOfContext({ partnerId: 'p' })).toBeUndefined();
  });

  it('sends only the policy when the day count is unknown', () => {
    const noon = Date.parse('2026-03-01T12:00:00.000Z');
    expect(rateLimitHeaders(standard, 124, noon)).toEqual({ 'RateLimit-Policy': formatRateLimitPolicy(standard), RateLimit: '"day";r=9876;t=43200' });
    expect(rateLimitHeaders(standard, undefined, noon)).toEqual({ 'RateLimit-Policy': formatRateLimitPolicy(standard) });
  });
});

describe('partner answers carry both fields, errors included', () => {
  const route = routes.find((r) => r.api === 'partner' && r.method === 'GET' && 'scope' in r.access && r.access.scope === 'catalog:read' && !r.params)!;
  let outcome: 'ok' | 'missing' = 'ok';
  const handler = createHttpHandler([route], {
    [route.operationId]: async () => {
      if (outcome === 'missing') throw notFound('Product');
      return { status: 200, body: { items: [], nextCursor: null } };
    },
  } as never);

  async function call(scopes: string[]): Promise<APIGatewayProxyResult> {
    const event = partnerEvent(route, { partnerId: 'p1', scopes });
    Object.assign(event.requestContext.authorizer!, { ...rateLimitContext(standard), requestsToday: '7' });
    return (await handler(event as never, lambdaContext())) as APIGatewayProxyResult;
  }
  const fieldsOf = (result: APIGatewayProxyResult) => ({ policy: result.headers?.['RateLimit-Policy'], limit: result.headers?.RateLimit });

  it.each([
    ['200', 'ok', ['catalog:read'], 200],
    ['404 from the use case', 'missing', ['catalog:read'], 404],
    ['403 for a missing scope', 'ok', [], 403],
  ] as const)('%s', async (_name, given, scopes, status) => {
    outcome = given;
    const result = await call([...scopes]);
    expect(result.statusCode).toBe(status);
    expect(fieldsOf(result)).toEqual({ policy: '"day";q=10000;w=86400, "burst";q=20;w=1', limit: expect.stringMatching(/^"day";r=9993;t=\d+$/) });
  });
});
