import { decodeCursor, encodeCursor } from '../../functions/shared/cursor';
import { HttpProblem } from '../../functions/shared/errors';

beforeAll(() => {
  process.env.CURSOR_SIGNING_KEY = 'unit-test-key';
});

const key = { pk: 'PRODUCT#1', sk: 'PRODUCT', gsi2pk: 'PRODUCTS', gsi2sk: 'LIVE#1' };

function expectBadCursor(run: () => unknown) {
  expect.assertions(2);
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpProblem);
    expect((error as HttpProblem).status).toBe(400);
  }
}

it('round-trips the last evaluated key', () => {
  const cursor = encodeCursor(key, 'list-a');
  expect(cursor).toEqual(expect.any(String));
  expect(decodeCursor(cursor!, 'list-a')).toEqual(key);
});

it('answers null when there is no next page and undefined when no cursor was given', () => {
  expect(encodeCursor(undefined, 'list-a')).toBeNull();
  expect(decodeCursor(undefined, 'list-a')).toBeUndefined();
});

it('rejects a cursor whose payload was changed', () => {
  const [, mac] = encodeCursor(key, 'list-a')!.split('.');
  const forged = Buffer.from(JSON.stringify({ ...key, pk: 'STAFF#1' })).toString('base64url');
  expectBadCursor(() => decodeCursor(`${forged}.${mac}`, 'list-a'));
});

it('rejects a cursor replayed against another list', () => {
  expectBadCursor(() => decodeCursor(encodeCursor(key, 'list-a')!, 'list-b'));
});

it.each(['', 'abc', 'a.b.c', '%%%.%%%'])('rejects garbage %p', (garbage) => {
  expectBadCursor(() => decodeCursor(garbage, 'list-a'));
});
