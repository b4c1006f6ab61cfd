import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import { documentClient, tableName } from '../../functions/shared/db';
import { newId } from '../../functions/shared/ids';
import { orderKeys } from '../../functions/shared/keys';
import { startLocalS3, type LocalS3 } from '../../local/s3';
import { contextWithin, runExportToEnd } from '../support/export-legs';

/**
 * The export worker's overlapped pipeline against DynamoDB Local and s3rver: each segment's next Scan
 * page is on its way while the current one is written, and several multipart parts upload at once.
 * Whatever the interleaving, every row is in the file exactly once, the parts are in file order (the
 * file's sha256 is the one computed while writing, and every format reads back), and a job that
 * stops at checkpoints again and again (the page already requested is written before it stops)
 * gives the same rows.
 */
jest.setTimeout(120_000);

const PART_BYTES = 2_048;
const ORDERS = 300;
let s3: LocalS3;
const dir = mkdtempSync(join(tmpdir(), 'exports-pipeline-'));
let jobs: typeof import('../../functions/exports/jobs');
let repo: typeof import('../../functions/exports/export-job-repository');
let worker: typeof import('../../functions/exports/worker');
let runner: typeof import('../../functions/exports/runner');
let source: typeof import('../../functions/exports/source-repository');
let entities: typeof import('../../functions/exports/entities');

/** A day no other test file writes orders on: the job's filter reads only this file's orders. */
const DAY = '2041-06-17';
const seeded = new Map<string, { status: string; total: number }>();

/** Upload requests of parts in flight at once, the most seen (fetch is what object-store.ts sends with). */
let partsInFlight = 0;
let mostPartsInFlight = 0;
const realFetch = globalThis.fetch;

beforeAll(async () => {
  s3 = await startLocalS3({
    port: 0,
    directory: join(dir, 's3'),
    credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY! },
  });
  Object.assign(process.env, { AWS_ENDPOINT_URL_S3: s3.endpoint, EXPORTS_BUCKET: s3.bucket, EXPORT_PART_BYTES: String(PART_BYTES) });
  jobs = await import('../../functions/exports/jobs');
  repo = await import('../../functions/exports/export-job-repository');
  worker = await import('../../functions/exports/worker');
  runner = await import('../../functions/exports/runner');
  source = await import('../../functions/exports/source-repository');
  entities = await import('../../functions/exports/entities');

  globalThis.fetch = async (input, init) => {
    const isPart = input instanceof Request && input.method === 'PUT' && new URL(input.url).searchParams.has('partNumber');
    if (!isPart) return realFetch(input, init);
    mostPartsInFlight = Math.max(mostPartsInFlight, ++partsInFlight);
    try {
      return await realFetch(input, init);
    } finally {
      partsInFlight--;
    }
  };

  // Orders straight into the table (BatchWriteItem), as they are stored: keys, lines, amounts.
  const items = Array.from({ length: ORDERS }, (_, i) => {
    const id = newId();
    const createdAt = `${DAY}T${String(Math.floor(i / 60) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00.000Z`;
    const status = ['paid', 'shipped', 'cancelled'][i % 3]!;
    const total = 1_000 + i;
    seeded.set(id, { status, total });
    return {
      ...orderKeys.byId(id),
      ...orderKeys.byStatus(status, createdAt, id),
      entityType: 'order',
      id,
      status,
      customerId: `CUST-PIPE-${i % 7}`,
      currency: 'EUR',
      lines: [{ productId: 'P1', sku: 'SKU-1', name: i % 5 === 0 ? 'Mug, "large"\nblue' : 'Mug', quantity: 1, unitPrice: { amount: total, currency: 'EUR' } }],
      total,
      paidAmount: status === 'paid' ? total : 0,
      refundedAmount: 0,
      version: 1,
      createdAt,
      updatedAt: createdAt,
      updatedBy: 'staff:pipeline-test',
    };
  });
  for (let i = 0; i < items.length; i += 25) {
    let request: Record<string, unknown[]> | undefined = { [tableName()]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) };
    while (request && Object.keys(request).length > 0) {
      const result = await documentClient.send(new BatchWriteCommand({ RequestItems: request as never }));
      request = result.UnprocessedItems as typeof request;
    }
  }
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  await s3.stop();
  rmSync(dir, { recursive: true, force: true });
});

const admin = { kind: 'staff' as const, id: 'x', email: 'x@example.com', name: 'X', roles: [] as string[], grants: ['*'], actor: 'staff:pipeline-test' as const };
const ctx = () => ({ actor: admin.actor, requestId: 'pipeline-test', sourceIp: '127.0.0.1', at: new Date().toISOString() });

const runToEnd = runExportToEnd;

/** The downloaded file, checked against the job's size and its sha256 computed while writing. */
async function download(id: string): Promise<Buffer> {
  const view = await jobs.getExport(id, admin);
  expect(view.status).toBe('succeeded');
  const file = Buffer.from(await (await fetch(view.downloadUrl!)).arrayBuffer());
  expect(file.length).toBe(view.bytes);
  expect(createHash('sha256').update(file).digest('hex')).toBe(view.checksum);
  return file;
}

async function rowsOf(format: 'csv' | 'jsonl' | 'parquet', file: Buffer): Promise<{ id: string; status: string; total: number }[]> {
  let rows: Record<string, unknown>[];
  if (format === 'jsonl') rows = file.toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  else if (format === 'csv') rows = parse(file, { columns: true }) as Record<string, unknown>[];
  else {
    const path = join(dir, `${newId()}.parquet`);
    writeFileSync(path, file);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    rows = (await connection.runAndReadAll(`SELECT id, status, total_amount FROM read_parquet('${path}')`)).getRowObjectsJS();
    connection.closeSync();
    instance.closeSync();
  }
  return rows.map((row) => ({ id: String(row.id), status: String(row.status), total: Number(row.total_amount) }));
}

function expectEverySeededOrderOnce(rows: { id: string; status: string; total: number }[]) {
  expect(rows).toHaveLength(ORDERS);
  expect(new Set(rows.map((row) => row.id)).size).toBe(ORDERS);
  for (const row of rows) expect(seeded.get(row.id)).toEqual({ status: row.status, total: row.total });
}

const filter = { from: DAY, to: DAY };

it.each(['csv', 'jsonl', 'parquet'] as const)('%s: prefetched pages of 4 segments and parts uploaded 4 at once give every row once, in a readable file', async (format) => {
  const created = await jobs.createExport({ entity: 'order', format, filter }, admin, ctx());
  mostPartsInFlight = 0;
  // Pages of 40 items, so each segment reads many pages (the table holds other files' items too).
  const { job, legs } = await runToEnd(created.id, 1_000_000, { segments: 4, pageLimit: 40 });
  expect(legs).toBe(1);
  expect(job).toMatchObject({ status: 'succeeded', rowCount: ORDERS });
  const file = await download(created.id);
  // A multipart upload of many parts, several of them on the wire at once, never more than the bound.
  expect(file.length).toBeGreaterThan(4 * PART_BYTES);
  expect(mostPartsInFlight).toBeGreaterThan(1);
  expect(mostPartsInFlight).toBeLessThanOrEqual(runner.PARALLEL_PARTS);
  expectEverySeededOrderOnce(await rowsOf(format, file));
});

it('a page that brings many parts at once uploads exactly PARALLEL_PARTS of them at a time', async () => {
  const created = await jobs.createExport({ entity: 'order', format: 'jsonl', filter }, admin, ctx());
  mostPartsInFlight = 0;
  // One segment, pages as large as DynamoDB makes them: the orders come in a page or two of many parts each.
  await runToEnd(created.id, 1_000_000, { segments: 1, pageLimit: 10_000 });
  expect(mostPartsInFlight).toBe(runner.PARALLEL_PARTS);
  expectEverySeededOrderOnce(await rowsOf('jsonl', await download(created.id)));
});

it.each(['csv', 'parquet'] as const)('%s: a job resumed from checkpoint after checkpoint, with prefetching segments and parallel parts, gives the same rows once', async (format) => {
  const created = await jobs.createExport({ entity: 'order', format, filter }, admin, ctx());
  // Pages of 10 items and a leg's time that runs out after two questions: every leg stops with a page
  // of each segment already requested, whatever else the table holds.
  const { job, legs } = await runToEnd(created.id, 2, { segments: 4, pageLimit: 10 });
  expect(legs).toBeGreaterThan(3);
  expect(job).toMatchObject({ status: 'succeeded', legState: 'done', rowCount: ORDERS });
  expectEverySeededOrderOnce(await rowsOf(format, await download(created.id)));
  const store = await import('../../functions/exports/object-store');
  expect(await store.getObjectBytes(`checkpoints/${created.id}/state.json`)).toBeUndefined();
});

it('a new job takes its segment count from the size of the table it reads (1 to 16)', async () => {
  const segments = await source.scanSegments(entities.ENTITY_DEFINITIONS.order);
  expect(Number.isInteger(segments)).toBe(true);
  expect(segments).toBeGreaterThanOrEqual(1);
  expect(segments).toBeLessThanOrEqual(source.MAX_SEGMENTS);
  // Without an override the worker sizes the job itself; the file is the same.
  const created = await jobs.createExport({ entity: 'order', format: 'csv', filter }, admin, ctx());
  await worker.runJobLeg((await repo.findExportJob(created.id))!, contextWithin(1_000_000));
  expectEverySeededOrderOnce(await rowsOf('csv', await download(created.id)));
});
