import { createError } from '@middy/util';
import * as z from 'zod/mini';
import { conflict } from '../../functions/shared/errors';
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

function captureError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
