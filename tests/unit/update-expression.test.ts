import { buildUpdate } from '../../functions/shared/update-expression';

it('uses placeholders for every name and value and skips undefined values', () => {
  const parts = buildUpdate({ set: { name: 'x', status: undefined }, remove: ['description'], increment: { version: 1 } });
  expect(parts).toEqual({
    UpdateExpression: 'SET #f0 = :v0, #f1 = #f1 + :v1 REMOVE #f2',
    ExpressionAttributeNames: { '#f0': 'name', '#f1': 'version', '#f2': 'description' },
    ExpressionAttributeValues: { ':v0': 'x', ':v1': 1 },
  });
});

it('appends to a list attribute, creating it when the item has none', () => {
  const parts = buildUpdate({ set: { status: 'paid' }, append: { history: [{ to: 'paid' }] } });
  expect(parts).toEqual({
    UpdateExpression: 'SET #f0 = :v0, #f1 = list_append(if_not_exists(#f1, :emptyList), :v1)',
    ExpressionAttributeNames: { '#f0': 'status', '#f1': 'history' },
    ExpressionAttributeValues: { ':v0': 'paid', ':v1': [{ to: 'paid' }], ':emptyList': [] },
  });
});
