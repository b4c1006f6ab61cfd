import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import { adminToken, api, type ApiReply } from '../support/e2e-client';

/**
 * Export jobs end to end through the local gateway (docs/architecture.md#analytics-and-exports): POST → the export worker runs from the
 * table stream → GET gives a presigned URL that this process downloads from s3rver. Every format holds
 * the same rows; the Parquet file is read by DuckDB with the declared column types, the CSV by a
 * standard CSV parser; personal data is masked without customers:read_pii; entities and columns the
 * caller may not read are refused.
 */
jest.setTimeout(120_000);

const ADMIN = 'admin@example.com';
const OPS = 'ops@example.com';
const FINANCE = 'finance@example.com';
const ANALYST = 'analyst@example.com';

function staff(email: string, method: string, path: string, body?: unknown): Promise<ApiReply> {
  return api(method, `/admin/v1${path}`, { token: adminToken(email), ...(body === undefined ? {} : { body }) });
}

async function expectStatus(reply: Promise<ApiReply>, status: number): Promise<ApiReply> {
  const res = await reply;
  expect({ status: res.status, body: res.body }).toEqual({ status, body: res.body });
  return res;
}

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const tmp = mkdtempSync(join(tmpdir(), 'exports-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Queues an export and waits for it to finish; returns the job and the downloaded bytes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the job is arbitrary JSON, checked field by field
type Job = Record<string, any>;

async function exportAs(email: string, body: Record<string, unknown>): Promise<{ job: Job; file: Buffer }> {
  const created = await expectStatus(staff(email, 'POST', '/exports', body), 202);
  expect(created.body).toEqual({ id: expect.any(String), status: 'queued' });
  const id = created.body.id as string;
  const deadline = Date.now() + 90_000;
  let job: Job;
  for (;;) {
    job = (await expectStatus(staff(email, 'GET', `/exports/${id}`), 200)).body;
    if (job.status === 'succeeded' || job.status === 'failed') break;
    if (Date.now() > deadline) throw new Error(`Export ${id} still ${job.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(job).toMatchObject({ id, status: 'succeeded' });
  const download = await fetch(job.downloadUrl as string);
  expect(download.status).toBe(200);
  const file = Buffer.from(await download.arrayBuffer());
  expect(file.length).toBe(job.bytes);
  expect(createHash('sha256').update(file).digest('hex')).toBe(job.checksum);
  return { job, file };
}

function jsonl(file: Buffer): Record<string, unknown>[] {
  const text = file.toString('utf8');
  expect(text.endsWith('\n') || text === '').toBe(true);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function duckdb(file: Buffer, name: string) {
  const path = join(tmp, name);
  writeFileSync(path, file);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
    const types = Object.fromEntries(described.getRowObjectsJS().map((row) => [row.column_name as string, row.column_type as string]));
    const rows = (await connection.runAndReadAll(`SELECT * FROM read_parquet('${path}')`)).getRowObjectsJS();
    return { types, rows };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Data of this file: two customers, a product, three orders (one paid). */
let window: { from: string; to: string };
let orderIds: string[];
let customerEmail: string;
let customerId: string;

beforeAll(async () => {
  customerEmail = `exp.${randomUUID().slice(0, 8)}@example.com`;
  const customer = await expectStatus(staff(OPS, 'POST', '/customers', { name: 'Ex, "Port" Tester', email: customerEmail, phone: '+49 170 1234567' }), 201);
  customerId = customer.body.id;
  const product = await expectStatus(
    staff(ADMIN, 'POST', '/products', { sku: `E2E-X-${randomUUID().slice(0, 8)}`, name: 'Export, "quoted"\nitem', price: eur(1_250), status: 'active' }),
    201,
  );
  await expectStatus(staff(OPS, 'POST', `/products/${product.body.id}/stock-adjustments`, { delta: 50, reason: 'Goods received' }), 201);
  orderIds = [];
  let last = '';
  for (const quantity of [1, 2, 3]) {
    const order = await expectStatus(staff(OPS, 'POST', '/orders', { customerId: customer.body.id, lines: [{ productId: product.body.id, quantity }] }), 201);
    orderIds.push(order.body.id);
    last = order.body.createdAt;
  }
  await expectStatus(staff(FINANCE, 'POST', `/orders/${orderIds[0]}/payments`, { amount: eur(1_250), method: 'card' }), 201);
  window = { from: customer.body.createdAt, to: last };
});

it('exports the same orders as CSV, JSON Lines and Parquet, with typed Parquet columns', async () => {
  const request = { entity: 'order', filter: window };
  const [csv, lines, parquet] = await Promise.all([
    exportAs(ANALYST, { ...request, format: 'csv' }),
    exportAs(ANALYST, { ...request, format: 'jsonl' }),
    exportAs(ANALYST, { ...request, format: 'parquet' }),
  ]);

  const fromJsonl = jsonl(lines.file);
  const fromCsv = parse(csv.file, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const fromParquet = await duckdb(parquet.file, `${parquet.job.id}.parquet`);

  for (const id of orderIds) expect(fromJsonl.map((row) => row.id)).toContain(id);
  expect(csv.job.rowCount).toBe(fromJsonl.length);
  expect(lines.job.rowCount).toBe(fromJsonl.length);
  expect(parquet.job.rowCount).toBe(fromJsonl.length);
  expect(fromCsv).toHaveLength(fromJsonl.length);
  expect(fromParquet.rows).toHaveLength(fromJsonl.length);

  expect(fromParquet.types).toMatchObject({
    id: 'VARCHAR',
    status: 'VARCHAR',
    line_count: 'BIGINT',
    total_amount: 'BIGINT',
    created_at: expect.stringMatching(/^TIMESTAMP/),
  });

  // The same rows in each format (strings compared as the CSV carries them).
  const byId = <T extends Record<string, unknown>>(rows: T[]) => new Map(rows.map((row) => [String(row.id), row]));
  const csvRows = byId(fromCsv);
  const parquetRows = byId(fromParquet.rows as Record<string, unknown>[]);
  for (const row of fromJsonl) {
    const asCsv = csvRows.get(String(row.id))!;
    const asParquet = parquetRows.get(String(row.id))!;
    for (const [column, value] of Object.entries(row)) {
      expect([column, asCsv[column]]).toEqual([column, value === null ? '' : String(value)]);
      const parquetValue = asParquet[column];
      const normalized = parquetValue instanceof Date ? parquetValue.toISOString() : typeof parquetValue === 'bigint' ? Number(parquetValue) : parquetValue;
      expect([column, normalized ?? null]).toEqual([column, column.endsWith('_at') && typeof value === 'string' ? new Date(value).toISOString() : value]);
    }
  }

  const first = fromJsonl.find((row) => row.id === orderIds[0])!;
  expect(first).toMatchObject({ status: 'paid', line_count: 1, currency: 'EUR', total_amount: 1_250, paid_amount: 1_250, partner_id: null });
});

it('writes RFC 4180 CSV: commas, quotes and line breaks quoted (order lines)', async () => {
  const { file } = await exportAs(ANALYST, { entity: 'order_line', format: 'csv', filter: window, fields: ['order_id', 'name', 'quantity'] });
  const text = file.toString('utf8');
  expect(text.startsWith('order_id,name,quantity\r\n')).toBe(true);
  expect(text).toContain('"Export, ""quoted""\nitem"');
  const rows = parse(file, { columns: true }) as Record<string, string>[];
  const mine = rows.filter((row) => orderIds.includes(row.order_id!));
  expect(mine.map((row) => [row.name, row.quantity]).sort()).toEqual([
    ['Export, "quoted"\nitem', '1'],
    ['Export, "quoted"\nitem', '2'],
    ['Export, "quoted"\nitem', '3'],
  ]);
});

it('masks personal data without customers:read_pii, shows it with it', async () => {
  const request = { entity: 'customer', format: 'jsonl', filter: window, fields: ['id', 'name', 'email', 'phone'] };
  const masked = await exportAs(ANALYST, request);
  expect(masked.job.maskedFields).toEqual(['name', 'email', 'phone']);
  const maskedRow = jsonl(masked.file).find((row) => row.id === customerId);
  expect(maskedRow).toEqual({ id: customerId, name: 'E***', email: 'e***@example.com', phone: '+** *** *****67' });
  expect(masked.file.toString('utf8')).not.toContain(customerEmail);

  const plain = await exportAs(ADMIN, request);
  expect(plain.job.maskedFields).toEqual([]);
  expect(jsonl(plain.file)).toContainEqual(expect.objectContaining({ name: 'Ex, "Port" Tester', email: customerEmail, phone: '+49 170 1234567' }));
});

it('names the entities and formats there are when a request names another (400)', async () => {
  const wrong = await staff(ANALYST, 'POST', '/exports', { entity: 'orders', format: 'xlsx' });
  expect(wrong.status).toBe(400);
  expect(wrong.body.errors).toEqual([
    { path: 'body.entity', message: 'Invalid option: expected one of "product"|"customer"|"order"|"order_line"|"payment"|"refund"|"ledger_entry"|"shipment"|"audit_entry"' },
    { path: 'body.format', message: 'Invalid option: expected one of "csv"|"jsonl"|"parquet"' },
  ]);
});

it('answers a body of 20,000 unknown fields with 20 errors and the count of the rest', async () => {
  const body: Record<string, unknown> = { entity: 'order', format: 'csv' };
  for (let i = 0; i < 20_000; i++) body[`f${i}`] = 0; // about 210 KB, under the 256 KiB body limit
  const reply = await api('POST', '/admin/v1/exports', { token: adminToken(ANALYST), rawBody: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  expect(reply.status).toBe(400);
  expect(Number(reply.headers.get('content-length') ?? JSON.stringify(reply.body).length)).toBeLessThan(8 * 1024);
  expect(reply.body.errors).toHaveLength(20);
  expect(reply.body.errorsOmitted).toBe(19_980);
});

it('refuses entities and columns the caller may not read (403), unknown columns and bad filters (400)', async () => {
  const audit = await staff(ANALYST, 'POST', '/exports', { entity: 'audit_entry', format: 'csv' });
  expect(audit.status).toBe(403);
  expect(audit.headers.get('content-type')).toContain('application/problem+json');
  expect(audit.body).toMatchObject({ status: 403, errors: [{ path: 'body.entity', message: 'Needs audit:read' }] });

  const shipments = await staff(ANALYST, 'POST', '/exports', { entity: 'shipment', format: 'jsonl' });
  expect(shipments.status).toBe(403);

  // A role that may export orders and payments but not read the ledger: refused the ledger column only.
  const suffix = randomUUID().slice(0, 8);
  await expectStatus(staff(ADMIN, 'POST', '/roles', { name: `exporter-${suffix}`, permissions: ['exports:write', 'exports:read', 'orders:read'] }), 201);
  const email = `exporter-${suffix}@example.com`;
  await expectStatus(staff(ADMIN, 'POST', '/staff', { email, name: 'Exporter', roles: [`exporter-${suffix}`] }), 201);
  const token = (await expectStatus(api('POST', '/local/token', { body: { email } }), 200)).body.token as string;
  const asExporter = (body: unknown) => api('POST', '/admin/v1/exports', { token, body });
  const column = await asExporter({ entity: 'payment', format: 'jsonl', fields: ['id', 'ledger_transaction_id'] });
  expect(column.status).toBe(403);
  expect(column.body.detail).toContain('ledger_transaction_id');
  expect(column.body.errors).toEqual([{ path: 'body.fields.1', message: 'Needs ledger:read' }]);
  expect((await asExporter({ entity: 'payment', format: 'jsonl', fields: ['id', 'amount', 'currency'] })).status).toBe(202);

  const unknown = await staff(ANALYST, 'POST', '/exports', { entity: 'order', format: 'csv', fields: ['id', 'pk'] });
  expect(unknown.status).toBe(400);
  expect(unknown.body.errors).toContainEqual(expect.objectContaining({ path: 'body.fields.1' }));

  const status = await staff(ANALYST, 'POST', '/exports', { entity: 'customer', format: 'csv', filter: { status: 'paid' } });
  expect(status.status).toBe(400);
  const format = await staff(ANALYST, 'POST', '/exports', { entity: 'order', format: 'xlsx' });
  expect(format.status).toBe(400);
});

it("lists the caller's own jobs; everyone's jobs need exports:read_all", async () => {
  const created = await expectStatus(staff(ANALYST, 'POST', '/exports', { entity: 'product', format: 'jsonl', filter: window }), 202);
  const mine = await expectStatus(staff(ANALYST, 'GET', '/exports?limit=100'), 200);
  expect(mine.body.items.map((job: { id: string }) => job.id)).toContain(created.body.id);
  expect(mine.body.items.every((job: { requestedBy: string }) => job.requestedBy === mine.body.items[0].requestedBy)).toBe(true);

  expect((await staff(FINANCE, 'GET', `/exports/${created.body.id}`)).status).toBe(403); // finance has no exports:read
  expect((await staff(ANALYST, 'GET', '/exports?all=true')).status).toBe(403);
  const all = await expectStatus(staff(ADMIN, 'GET', '/exports?all=true&limit=100'), 200);
  expect(all.body.items.map((job: { id: string }) => job.id)).toContain(created.body.id);
});
