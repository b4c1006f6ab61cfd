import { createError } from '@middy/util';
import { conflict } from '../../functions/shared/errors';
import { problemResponse, toProblem } from '../../functions/shared/http/problem';

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
