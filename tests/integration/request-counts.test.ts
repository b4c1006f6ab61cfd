import { handler as catalog } from '../../functions/catalog/handler';
import { catalogRoutes } from '../../functions/catalog/routes';
import { handler as iam } from '../../functions/iam/handler';
import { iamRoutes } from '../../functions/iam/routes';
import { newId } from '../../functions/shared/ids';
import { adminEvent, lambdaContext, parse, routeById } from '../support/lambda-events';
import { countRequests } from '../support/request-counter';
import { createStaff } from '../support/staff';

/**
 * docs/architecture.md#data: every command is one DynamoDB request, every single-resource read one request, every
 * list one Query. Each admin request also reads the caller's staff record (AUTH: status and roles,
 * one strongly consistent GetItem) so a disabled member is refused at once; it is listed first.
 */
const AUTH = 'GetItem';
const counter = countRequests();
let admin: string;

async function measure(run: () => Promise<unknown>): Promise<string[]> {
  counter.reset();
  await run();
  return counter.commands();
}

beforeAll(async () => {
  admin = await createStaff(['admin']);
});

const call = (operationId: string, options: Parameters<typeof adminEvent>[1] = {}) =>
  catalog(adminEvent(routeById(catalogRoutes, operationId), { staffId: admin, ...options }), lambdaContext()).then(parse);

it('spends the minimum DynamoDB requests per catalog route', async () => {
  let id = '';
  const body = { sku: `RC-${newId()}`, name: 'Counter', price: { amount: 100, currency: 'EUR' } };
  expect(await measure(async () => (id = (await call('createProduct', { body })).body.id))).toEqual([AUTH, 'TransactWriteItems']);
  expect(await measure(() => call('getProduct', { params: { id } }))).toEqual([AUTH, 'GetItem']);
  expect(await measure(() => call('listProducts', { query: { limit: '5' } }))).toEqual([AUTH, 'Query']);
  expect(await measure(() => call('updateProduct', { params: { id }, body: { name: 'x' }, headers: { 'if-match': '"1"' } }))).toEqual([AUTH, 'UpdateItem']);
  expect(await measure(() => call('deleteProduct', { params: { id } }))).toEqual([AUTH, 'UpdateItem']);
  expect(await measure(() => call('restoreProduct', { params: { id } }))).toEqual([AUTH, 'UpdateItem']);
  // The documented exception: changing the SKU reads the current one, then moves the claim in one transaction.
  expect(await measure(() => call('updateProduct', { params: { id }, body: { sku: `RC-${newId()}` } }))).toEqual([
    AUTH,
    'GetItem',
    'TransactWriteItems',
  ]);
});

it('answers GET /me from the authorization read alone', async () => {
  const res = await measure(async () => {
    const out = parse(await iam(adminEvent(routeById(iamRoutes, 'getMe'), { staffId: admin }), lambdaContext()));
    expect(out.status).toBe(200);
    expect(out.body.permissions).toEqual(['*']);
  });
  expect(res).toEqual([AUTH]);
});
