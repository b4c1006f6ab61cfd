import { createError } from '@middy/util';
import * as z from 'zod/mini';
import { CreateExportBody } from '../../functions/exports/schemas';
import { ListOrdersQuery } from '../../functions/orders/schemas';
import { badRequest, conflict } from '../../functions/shared/errors';
import { problemResponse, toProblem } from '../../functions/shared/http/problem';
import { validate } from '../../functions/shared/http/validation';

it('keeps a known problem and renders RFC 9457 fields', () => {
  const res = problemResponse(toProblem(conflict('SKU taken', 'duplicate-sku')), 'req-1', '/admin/v1/products');
  expect(res.statusCode).toBe(409);
  expect(res.headers?.['content-type']).toBe('application/problem+json');
  expect(JSON.parse(res.body)).toEqual({
    type: 'https://backoffice.example.com/problems/duplicate-sku',
    title: 'Conflict',
    status: 409,
    detail: 'SKU taken',
    instance: '/admin/v1/products',
    requestId: 'req-1',
  });
});

it('turns an unexpected error into a generic 500 that leaks nothing', () => {
  const res = problemResponse(toProblem(new Error('ECONNREFUSED 10.0.0.1 table Backoffice-prod')), 'req-2');
  expect(res.statusCode).toBe(500);
  expect(res.body).not.toContain('ECONNREFUSED');
  expect(JSON.parse(res.body)).toMatchObject({ status: 500, requestId: 'req-2', detail: 'Something went wrong on our side' });
});

it('maps the JSON body parser errors to 400 and 415', () => {
  const malformed = createError(422, 'Invalid or malformed JSON was provided', { cause: { package: '@middy/http-json-body-parser' } });
  expect(toProblem(malformed).status).toBe(400);
  const media = createError(415, 'Unsupported Media Type', { cause: { package: '@middy/http-json-body-parser' } });
  expect(toProblem(media).status).toBe(415);
});

it('explains invalid fields in English, one entry per field (zod/mini loads no locale by itself)', () => {
  const body = z.strictObject({ name: z.string().check(z.minLength(1)), count: z.int() });
  const problem = toProblem(captureError(() => validate(body, { name: '', count: 1.5, extra: true }, 'body')));
  expect(problem.status).toBe(400);
  expect(problem.extras.errors).toEqual([
    { path: 'body.name', message: 'Too small: expected string to have >=1 characters' },
    { path: 'body.count', message: 'Invalid input: expected int, received number' },
    { path: 'body.extra', message: 'Unknown field' },
  ]);
});

describe('a 400 lists at most 20 field errors and counts the rest', () => {
  it('answers 20,000 unknown fields in a ~200 KB body with a small problem', () => {
    const body: Record<string, unknown> = { name: 'Desk', count: 1 };
    for (let i = 0; i < 20_000; i++) body[`unknown_field_${i}`] = i;
    expect(JSON.stringify(body).length).toBeGreaterThan(200_000);
    const schema = z.strictObject({ name: z.string(), count: z.int() });
    const started = performance.now();
    const res = problemResponse(toProblem(captureError(() => validate(schema, body, 'body'))), 'req-3');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(res.statusCode).toBe(400);
    expect(res.body.length).toBeLessThan(8 * 1024);
    const problem = JSON.parse(res.body);
    expect(problem.errors).toHaveLength(20);
    expect(problem.errors[0]).toEqual({ path: 'body.unknown_field_0', message: 'Unknown field' });
    expect(problem.errorsOmitted).toBe(19_980);
  });

  it('counts errors of every kind, and bounds errors a use case lists', () => {
    const schema = z.strictObject({ lines: z.array(z.strictObject({ quantity: z.int() })) });
    const lines = Array.from({ length: 30 }, () => ({ quantity: 'many' }));
    const problem = JSON.parse(problemResponse(toProblem(captureError(() => validate(schema, { lines, extra: 1 }, 'body'))), 'r').body);
    expect(problem.errors).toHaveLength(20);
    expect(problem.errors[0]).toEqual({ path: 'body.lines.0.quantity', message: 'Invalid input: expected number, received string' });
    expect(problem.errorsOmitted).toBe(11);
    const listed = Array.from({ length: 25 }, (_, i) => ({ path: `body.lines.${i}.productId`, message: 'No such product' }));
    const fromUseCase = JSON.parse(problemResponse(badRequest('Some products do not exist', listed), 'r').body);
    expect(fromUseCase.errors).toEqual(listed.slice(0, 20));
    expect(fromUseCase.errorsOmitted).toBe(5);
  });

  it('has no errorsOmitted when every error is listed', () => {
    const problem = JSON.parse(problemResponse(toProblem(captureError(() => validate(z.strictObject({}), { a: 1 }, 'body'))), 'r').body);
    expect(problem.errors).toEqual([{ path: 'body.a', message: 'Unknown field' }]);
    expect(problem).not.toHaveProperty('errorsOmitted');
  });
});

describe('a refused value is answered with the values allowed', () => {
  const messageOf = (schema: z.ZodMiniType, value: unknown, location = 'body') =>
    (toProblem(captureError(() => validate(schema, value, location))).extras.errors ?? []).map((e) => `${e.path}: ${e.message}`);

  it('an enum in a body and in a query', () => {
    expect(messageOf(CreateExportBody, { entity: 'orders', format: 'csv' })).toEqual([
      'body.entity: Invalid option: expected one of "product"|"customer"|"order"|"order_line"|"payment"|"refund"|"ledger_entry"|"shipment"|"audit_entry"',
    ]);
    expect(messageOf(ListOrdersQuery, { status: 'open' }, 'query')).toEqual([
      'query.status: Invalid option: expected one of "pending_payment"|"paid"|"fulfilling"|"shipped"|"delivered"|"completed"|"cancelled"',
    ]);
  });

  it('a union of literals, a literal or a shape, and of formats', () => {
    const schema = z.strictObject({
      mode: z.optional(z.union([z.literal('fast'), z.literal('safe')])),
      onTimeout: z.optional(z.union([z.literal('reject'), z.strictObject({ escalateTo: z.string() })])),
      from: z.optional(z.union([z.iso.datetime(), z.iso.date()])),
      exact: z.optional(z.literal('yes')),
    });
    expect(messageOf(schema, { mode: 'slow', onTimeout: 'rejected', from: 'yesterday', exact: 'no' })).toEqual([
      'body.mode: Invalid option: expected one of "fast"|"safe"',
      'body.onTimeout: Invalid option: expected one of "reject"|object',
      'body.from: Invalid option: expected one of ISO datetime|ISO date',
      'body.exact: Invalid input: expected "yes"',
    ]);
  });
});

function captureError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
