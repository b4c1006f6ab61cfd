import { buildUpdate } from '../../functions/shared/update-expression';

it('uses placeholders for every name and value and skips undefined values', () => {
  const parts = buildUpdate({ set: { name: 'x', status: undefined }, remove: ['description'], increment: { version: 1 } });
  expect(parts).toEqual({
    UpdateExpression: 'SET #f0 = :v0, #f1 = #f1 + :v1 REMOVE #f2',
    ExpressionAttributeNames: { '#f0': 'name', '#f1': 'version', '#f2': 'description' },
    ExpressionAttributeValues: { ':v0': 'x', ':v1': 1 },
  });
});
