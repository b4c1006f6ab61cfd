import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import type { StaffPrincipal } from '../../functions/shared/auth/principal';
import { startLocalS3, type LocalS3 } from '../../local/s3';
import { order, payInFull, productWithStock } from '../support/commerce';
import { createStaff } from '../support/staff';
import { contextWithin, runExportToEnd } from '../support/export-legs';

/**
 * The export worker against DynamoDB Local and s3rver: a job runs in one leg, or, when its invocation
 * keeps running out of time, in many legs through checkpoints (segment cursors, multipart parts, the
 * tail and the Parquet writer's state carried over), with the same file either way; a duplicate
 * delivery runs nothing twice.
 */
jest.setTimeout(60_000);

let s3: LocalS3;
const dir = mkdtempSync(join(tmpdir(), 'exports-int-'));
let jobs: typeof import('../../functions/exports/jobs');
let repo: typeof import('../../functions/exports/export-job-repository');
let worker: typeof import('../../functions/exports/worker');
let store: typeof import('../../functions/exports/object-store');

let admin: string;
const orderIds: string[] = [];
let window: { from: string; to: string };

beforeAll(async () => {
  s3 = await startLocalS3({
    port: 0,
    directory: join(dir, 's3'),
    credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY! },
  });
  Object.assign(process.env, { AWS_ENDPOINT_URL_S3: s3.endpoint, EXPORTS_BUCKET: s3.bucket, EXPORT_PART_BYTES: '1024' });
  jobs = await import('../../functions/exports/jobs');
  repo = await import('../../functions/exports/export-job-repository');
  worker = await import('../../functions/exports/worker');
  store = await import('../../functions/exports/object-store');

  admin = await createStaff(['admin']);
  const productId = await productWithStock(admin, 100);
  for (let i = 1; i <= 12; i++) {
    const placed = await order(admin, [{ productId, quantity: 1 + (i % 3) }]);
    if (i % 2 === 0) await payInFull(admin, placed);
    orderIds.push(placed.id as string);
    if (i === 1) window = { from: placed.createdAt as string, to: placed.createdAt as string };
    window.to = placed.createdAt as string;
  }
});

afterAll(async () => {
  await s3.stop();
  rmSync(dir, { recursive: true, force: true });
});

const principal = (grants: string[]): StaffPrincipal => ({
  kind: 'staff',
  id: 'x',
  email: 'x@example.com',
  name: 'X',
  roles: [],
  grants,
  actor: `staff:int-${grants.join('-')}`,
});
const ctx = () => ({ actor: 'staff:int', requestId: 'int-test', sourceIp: '127.0.0.1', at: new Date().toISOString() });

const runToEnd = (id: string, callsPerLeg: number, options = { pageLimit: 2, segments: 3 }) => runExportToEnd(id, callsPerLeg, options);

async function download(job: { id: string }): Promise<Buffer> {
  const view = await jobs.getExport(job.id, principal(['*']));
  expect(view.status).toBe('succeeded');
  const res = await fetch(view.downloadUrl!);
  const file = Buffer.from(await res.arrayBuffer());
  expect(file.length).toBe(view.bytes);
  expect(createHash('sha256').update(file).digest('hex')).toBe(view.checksum);
  return file;
}

const adminCtx = () => ({ ...ctx(), actor: principal(['*']).actor });

it.each(['csv', 'jsonl', 'parquet'] as const)('a %s export that checkpoints many times writes the same rows as one that runs in one leg', async (format) => {
  const input = { entity: 'order' as const, format, filter: window };
  const single = await jobs.createExport(input, principal(['*']), adminCtx());
  const multi = await jobs.createExport(input, principal(['*']), adminCtx());

  const one = await runToEnd(single.id, 1_000_000, { pageLimit: 1_000, segments: 1 });
  const many = await runToEnd(multi.id, 4);
  expect(one.legs).toBe(1);
  expect(many.legs).toBeGreaterThan(3);
  expect(many.job).toMatchObject({ status: 'succeeded', legState: 'done' });

  const rowsOf = async (file: Buffer, name: string): Promise<Record<string, unknown>[]> => {
    if (format === 'jsonl') return file.toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    if (format === 'csv') return parse(file, { columns: true }) as Record<string, unknown>[];
    const path = join(dir, name);
    writeFileSync(path, file);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(`SELECT id, status, total_amount FROM read_parquet('${path}')`)).getRowObjectsJS();
    connection.closeSync();
    instance.closeSync();
    return rows;
  };
  const a = await rowsOf(await download(single), 'one.parquet');
  const b = await rowsOf(await download(multi), 'many.parquet');
  const ids = (rows: Record<string, unknown>[]) => rows.map((row) => String(row.id)).sort();
  // Orders of other test files may fall into the window between the two runs: compare this file's own.
  for (const id of orderIds) {
    expect(ids(a).filter((x) => x === id)).toEqual([id]);
    expect(ids(b).filter((x) => x === id)).toEqual([id]);
  }
  expect(new Set(ids(b)).size).toBe(b.length);
  const mine = (rows: Record<string, unknown>[]) =>
    rows.filter((row) => orderIds.includes(String(row.id))).map((row) => [String(row.id), String(row.status), Number(row.total_amount)]).sort();
  expect(mine(b)).toEqual(mine(a));
  expect((await repo.findExportJob(multi.id))!.rowCount).toBe(b.length);
  // Checkpoints are cleaned up.
  expect(await store.getObjectBytes(`checkpoints/${multi.id}/state.json`)).toBeUndefined();
});

it('a redelivered record runs nothing twice; a job that fails says so without internals', async () => {
  const job = await jobs.createExport({ entity: 'product', format: 'jsonl' }, principal(['*']), adminCtx());
  const queued = (await repo.findExportJob(job.id))!;
  await worker.runJobLeg(queued, contextWithin(1_000_000));
  const done = (await repo.findExportJob(job.id))!;
  expect(done.status).toBe('succeeded');
  await worker.runJobLeg(queued, contextWithin(1_000_000)); // the same (stale) record again
  expect((await repo.findExportJob(job.id))!.version).toBe(done.version);

  // A stored job the runner cannot run (a column that no longer exists) ends failed, with a generic message.
  const broken = await jobs.createExport({ entity: 'order', format: 'csv' }, principal(['*']), adminCtx());
  const record = (await repo.findExportJob(broken.id))!;
  const id = `${broken.id.slice(0, -2)}ZZ`;
  await repo.putExportJob({ ...record, id, fields: ['no_such_column'] }, adminCtx());
  await worker.runJobLeg((await repo.findExportJob(id))!, contextWithin(1_000_000));
  const failed = (await repo.findExportJob(id))!;
  expect(failed).toMatchObject({ status: 'failed', legState: 'done', error: expect.stringMatching(/^The export failed \(request req-[0-9.]+\); try again$/) });
  expect(failed.error).not.toContain('no_such_column');
});

it('refuses an entity or a column the caller may not read, and masks personal data without customers:read_pii', async () => {
  await expect(jobs.createExport({ entity: 'audit_entry', format: 'csv' }, principal(['exports:write', 'orders:read']), ctx())).rejects.toMatchObject({
    status: 403,
  });
  await expect(
    jobs.createExport({ entity: 'payment', format: 'csv', fields: ['id', 'ledger_transaction_id'] }, principal(['exports:write', 'orders:read']), ctx()),
  ).rejects.toMatchObject({ status: 403, detail: expect.stringContaining('ledger_transaction_id') });
  const masked = await jobs.createExport({ entity: 'customer', format: 'csv' }, principal(['exports:write', 'customers:read']), ctx());
  expect(masked.maskedFields).toEqual(['name', 'email', 'phone']);
  expect(masked.requiredPermissions).toEqual(['customers:read']);
  const plain = await jobs.createExport({ entity: 'customer', format: 'csv' }, principal(['exports:write', 'customers:read', 'customers:read_pii']), ctx());
  expect(plain.maskedFields).toEqual([]);
  expect(plain.requiredPermissions).toEqual(['customers:read', 'customers:read_pii']);
  // Someone with exports:read_all but without customers:read_pii does not see the unmasked job.
  await expect(jobs.getExport(plain.id, principal(['exports:read', 'exports:read_all', 'customers:read']))).rejects.toMatchObject({ status: 404 });
  await expect(jobs.getExport(plain.id, principal(['exports:read', 'exports:read_all', 'customers:read', 'customers:read_pii']))).resolves.toMatchObject({
    id: plain.id,
  });
});

it('queues the daily Parquet exports of every entity under daily/<entity>/dt=<date>/', async () => {
  const ids = await worker.queueDailyExports('2026-01-02', 'schedule-test');
  expect(ids).toHaveLength(9);
  const first = (await repo.findExportJob(ids[0]!))!;
  expect(first).toMatchObject({ entity: 'product', format: 'parquet', requestedBy: 'system:exports-schedule', filter: { from: '2026-01-02', to: '2026-01-02' } });
  expect(first.objectKey).toBe(`daily/product/dt=2026-01-02/${first.id}.parquet`);
  const customers = (await repo.findExportJob(ids[1]!))!;
  expect(customers.maskedFields).toEqual(['name', 'email', 'phone']);
});
