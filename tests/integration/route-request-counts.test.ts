import { ROUTE_BUDGETS, withAuth } from '../../bench/route-budgets';
import { measureRoutes } from '../../bench/route-measure';
import { SCENARIOS } from '../../bench/route-scenarios';
import { routes } from '../../functions/routes';
import { newId } from '../../functions/shared/ids';
import { SINGLE_TABLE } from '../../functions/shared/schema/tables';
import { ensureTable, localDynamoClient } from '../../local/dynamodb';
import { startTestApprovals } from '../support/local-approvals';

/**
 * docs/architecture.md#data, for every route of the route table (generated from it: a new route without a budget in
 * bench/route-budgets.ts or a scenario in bench/route-scenarios.ts fails here): each route's call
 * makes exactly the DynamoDB requests of its budget, counted at the SDK on the shared document client.
 * The bench (`npm run bench`) runs the same scenarios for capacity units and cost. A table of its
 * own: the scenarios replace the (global) approval policy.
 */
jest.setTimeout(180_000);

let sfn: Awaited<ReturnType<typeof startTestApprovals>>;

beforeAll(async () => {
  process.env.TABLE_NAME = `Backoffice-counts-${newId().slice(-8)}`;
  const client = localDynamoClient(process.env.AWS_ENDPOINT_URL_DYNAMODB!);
  await ensureTable(client, SINGLE_TABLE, process.env.TABLE_NAME);
  client.destroy();
  sfn = await startTestApprovals();
});
afterAll(() => sfn?.dispose());

it('has a request budget and a scenario for every route, and nothing else', () => {
  const ids = routes.map((r) => r.operationId);
  expect(ids.filter((id) => !ROUTE_BUDGETS[id])).toEqual([]);
  expect(ids.filter((id) => !SCENARIOS[id])).toEqual([]);
  expect(Object.keys(ROUTE_BUDGETS).filter((id) => !ids.includes(id))).toEqual([]);
  expect(Object.keys(SCENARIOS).filter((id) => !ids.includes(id))).toEqual([]);
  for (const budget of Object.values(ROUTE_BUDGETS)) expect(budget.minimum.length).toBeLessThanOrEqual(budget.requests.length);
});

it('spends exactly its budget of DynamoDB requests on every route', async () => {
  const measured = await measureRoutes(1);
  const actual = Object.fromEntries(measured.map((m) => [m.operationId, m.requests.map((r) => r.operation)]));
  const expected = Object.fromEntries(routes.map((r) => [r.operationId, withAuth(r.api, ROUTE_BUDGETS[r.operationId]?.requests ?? [])]));
  expect(actual).toEqual(expected);
});
