import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { openApiPath } from '../../scripts/openapi';

/**
 * The committed documents are usable as they are by a generator: openapi-typescript turns each into
 * types, and a small openapi-fetch client written against them type-checks (operations, request
 * bodies, answers). A wrong call in the same client must not: the types are not `any`.
 */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'backoffice-client-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const openapiFetch = dirname(require.resolve('openapi-fetch/package.json'));
// The CLI in a Node process of its own: openapi-typescript's dependencies are ES modules jest cannot load.
const openapiTypescriptCli = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');

async function generate(api: 'admin' | 'partner'): Promise<void> {
  await promisify(execFile)(process.execPath, [openapiTypescriptCli, openApiPath(api), '--output', join(dir, `${api}.d.ts`)], {
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
}

/** Type errors of the given files (with the generated types beside them). */
function typeErrors(files: Record<string, string>): string[] {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const program = ts.createProgram(
    Object.keys(files).map((name) => join(dir, name)),
    {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      paths: { 'openapi-fetch': [openapiFetch] },
    },
  );
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file ? d.file.fileName.slice(dir.length + 1) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

const ADMIN_CLIENT = `
import createClient from 'openapi-fetch';
import type { paths, components } from './admin';

const client = createClient<paths>({ baseUrl: 'http://localhost:3000/admin/v1', headers: { authorization: 'Bearer token' } });

export async function firstProductNames(): Promise<string[]> {
  const { data, error } = await client.GET('/products', { params: { query: { limit: 10, status: 'active' } } });
  if (error) throw new Error(error.detail);
  return data.items.map((product) => product.name);
}

export async function placeOrder(customerId: string, productId: string): Promise<string> {
  const body: components['schemas']['CreateOrderRequest'] = { customerId, lines: [{ productId, quantity: 2 }] };
  const { data, error, response } = await client.POST('/orders', { body, params: { header: { 'Idempotency-Key': 'k-1' } } });
  if (error) throw new Error(error.title + (response.headers.get('retry-after') ?? ''));
  return data.id;
}
`;

const PARTNER_CLIENT = `
import createClient from 'openapi-fetch';
import type { paths, components, webhooks } from './partner';

const client = createClient<paths>({ baseUrl: 'http://localhost:3000/partner/v1', headers: { 'x-api-key': 'key' } });

export async function available(): Promise<number[]> {
  const { data, error } = await client.GET('/products', { params: { query: { limit: 5 } } });
  if (error) throw new Error(error.detail);
  return data.items.map((product) => product.available);
}

export async function placeOrder(customerId: string, productId: string): Promise<string> {
  const body: components['schemas']['PartnerCreateOrderRequest'] = { customerId, lines: [{ productId, quantity: 1 }] };
  const { data, error } = await client.POST('/orders', { body, params: { header: { 'Idempotency-Key': 'k-1' } } });
  if (error) throw new Error(error.detail);
  return data.status;
}

export async function subscribe(url: string): Promise<string> {
  const { data, error } = await client.POST('/webhooks', { body: { url, eventTypes: ['order.shipped', 'order.refunded'] } });
  if (error) throw new Error(error.detail);
  return data.secret;
}

export async function poll(after?: string): Promise<string> {
  const { data, error } = await client.GET('/events', { params: { query: { limit: 100, ...(after ? { after } : {}) } } });
  if (error) throw new Error(error.detail);
  return data.nextCursor;
}

// What a receiver gets: the catalogue's payload types, from the document's webhooks.
type OrderShipped = webhooks['order.shipped']['post']['requestBody']['content']['application/json'];
export const shippedOrderId = (event: OrderShipped): string => event.data.id;
`;

it('generates a client from each document that type-checks, and rejects a wrong call', async () => {
  await Promise.all([generate('admin'), generate('partner')]);
  const wrong = PARTNER_CLIENT.replace('quantity: 1', "quantity: 'one'").replace("client.GET('/products'", "client.GET('/staff'").replace("'order.shipped', 'order.refunded'", "'order.teleported'");
  // One program for all three clients: type-checking is most of this test's time.
  const errors = typeErrors({ 'admin-client.ts': ADMIN_CLIENT, 'partner-client.ts': PARTNER_CLIENT, 'wrong-client.ts': wrong });
  expect(errors.filter((error) => !error.startsWith('wrong-client.ts'))).toEqual([]);
  expect(errors.filter((error) => error.startsWith('wrong-client.ts')).length).toBeGreaterThanOrEqual(3);
}, 60_000);
