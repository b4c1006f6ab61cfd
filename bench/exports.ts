import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { round } from './stats';

/**
 * Export jobs (functions/exports) over `rows` orders written straight into DynamoDB Local: each format
 * runs as the worker runs it (one leg, 4 parallel Scan segments → row mapper → writer → S3 multipart
 * upload to s3rver in a process of its own), side by side with a baseline that only scans the same
 * items right before each format (the same parallel Scan, no mapping, writing or upload). Memory is sampled every 20 ms during
 * each run: peak RSS and heap, and their growth over the level just before the run.
 */
const ORDER_STATUSES = ['pending_payment', 'paid', 'fulfilling', 'shipped', 'delivered', 'completed', 'cancelled'];

async function startS3(): Promise<{ endpoint: string; bucket: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(__dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(__dirname, 's3-server.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code})`)));
  });
  return { ...(JSON.parse(line) as { endpoint: string; bucket: string }), child };
}

/** Writes `rows` order items (two lines each) with BatchWriteItem, 8 batches in flight. */
async function seedOrders(rows: number): Promise<void> {
  const { documentClient, tableName } = await import('../functions/shared/db');
  const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const { orderKeys } = await import('../functions/shared/keys');
  const { newId } = await import('../functions/shared/ids');
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  let next = 0;
  const worker = async () => {
    while (next < rows) {
      const start = next;
      next = Math.min(rows, next + 25);
      const items = [];
      for (let i = start; i < next; i++) {
        const id = newId();
        const createdAt = new Date(base + i * 1_000).toISOString();
        const status = ORDER_STATUSES[i % ORDER_STATUSES.length]!;
        const total = 1_000 + (i % 97) * 25;
        items.push({
          PutRequest: {
            Item: {
              ...orderKeys.byId(id),
              ...orderKeys.byStatus(status, createdAt, id),
              ...orderKeys.byCustomer(`CUST${i % 5_000}`, createdAt, id),
              entityType: 'order',
              id,
              status,
              customerId: `CUST${i % 5_000}`,
              currency: 'EUR',
              lines: [
                { productId: `P${i % 300}`, sku: `SKU-${i % 300}`, name: `Bench item ${i % 300}`, quantity: 1, unitPrice: { amount: total - 500, currency: 'EUR' } },
                { productId: `P${(i + 1) % 300}`, sku: `SKU-${(i + 1) % 300}`, name: 'Bench, "quoted" item', quantity: 1, unitPrice: { amount: 500, currency: 'EUR' } },
              ],
              total,
              paidAmount: status === 'pending_payment' || status === 'cancelled' ? 0 : total,
              outstanding: 0,
              refundedAmount: 0,
              refundable: 0,
              version: 1,
              createdAt,
              updatedAt: createdAt,
              updatedBy: 'staff:bench',
              requestId: 'bench',
              sourceIp: '198.51.100.7',
            },
          },
        });
      }
      let request: Record<string, typeof items> | undefined = { [tableName()]: items };
      while (request && Object.keys(request).length > 0) {
        const result = await documentClient.send(new BatchWriteCommand({ RequestItems: request }));
        request = result.UnprocessedItems as typeof request;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Runs `fn` while sampling memory; peaks and growth over the level before it, in MB. */
async function sampled<T>(fn: () => Promise<T>) {
  global.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const t = process.hrtime.bigint();
  try {
    const value = await fn();
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
    return { value, seconds, peakRssMb: mb(peakRss), peakHeapMb: mb(peakHeap), rssGrowthMb: mb(peakRss - before.rss), heapGrowthMb: mb(peakHeap - before.heapUsed) };
  } finally {
    clearInterval(timer);
  }
}

export async function measureExports(rows: number) {
  const s3 = await startS3();
  Object.assign(process.env, { AWS_ENDPOINT_URL_S3: s3.endpoint, EXPORTS_BUCKET: s3.bucket });
  try {
    console.log(`  seeding ${rows} orders…`);
    const seeding = await sampled(() => seedOrders(rows));
    const { ENTITY_DEFINITIONS } = await import('../functions/exports/entities');
    const { planExport, queueExport, objectKeyOf } = await import('../functions/exports/jobs');
    const { findExportJob } = await import('../functions/exports/export-job-repository');
    const { runJobLeg } = await import('../functions/exports/worker');
    const { scanPage } = await import('../functions/exports/source-repository');
    const { newId } = await import('../functions/shared/ids');
    const SEGMENTS = 4;

    const scanOnly = () =>
      sampled(async () => {
        let count = 0;
        await Promise.all(
          Array.from({ length: SEGMENTS }, async (_, segment) => {
            let key: Record<string, unknown> | undefined;
            do {
              const page = await scanPage(ENTITY_DEFINITIONS.order, {}, segment, SEGMENTS, key);
              count += page.items.length;
              key = page.lastKey;
            } while (key);
          }),
        );
        return count;
      });

    const exportAs = (format: 'csv' | 'jsonl' | 'parquet') =>
      sampled(async () => {
        const id = newId();
        const ctx = { actor: 'staff:bench', requestId: 'bench', sourceIp: '127.0.0.1', at: new Date().toISOString() };
        await queueExport({ id, entity: 'order', format, filter: undefined, plan: planExport(ENTITY_DEFINITIONS.order, undefined, ['*']), objectKey: objectKeyOf(id, format) }, ctx);
        const job = (await findExportJob(id))!;
        await runJobLeg(job, { awsRequestId: 'bench', getRemainingTimeInMillis: () => 15 * 60_000 }, { segments: SEGMENTS });
        const done = (await findExportJob(id))!;
        if (done.status !== 'succeeded') throw new Error(`Export ${format} ended ${done.status}: ${done.error}`);
        return { rowCount: done.rowCount!, bytes: done.bytes! };
      });

    await scanOnly(); // warms the client, the code paths and DynamoDB Local
    const formats = [];
    const scans = [];
    for (const format of ['csv', 'jsonl', 'parquet'] as const) {
      // The baseline runs right before each format, so both see the same machine load.
      const scan = await scanOnly();
      scans.push(scan);
      console.log(`  exporting as ${format}…`);
      const run = await exportAs(format);
      const scanRate = scan.value / scan.seconds;
      formats.push({
        format,
        rowCount: run.value.rowCount,
        bytes: run.value.bytes,
        seconds: round(run.seconds, 2),
        rowsPerSecond: Math.round(run.value.rowCount / run.seconds),
        scanRowsPerSecond: Math.round(scanRate),
        ratioToScan: round(run.value.rowCount / run.seconds / scanRate),
        peakRssMb: run.peakRssMb,
        peakHeapMb: run.peakHeapMb,
        rssGrowthMb: run.rssGrowthMb,
        heapGrowthMb: run.heapGrowthMb,
      });
    }
    return {
      rows,
      segments: SEGMENTS,
      seedRowsPerSecond: Math.round(rows / seeding.seconds),
      scan: {
        items: scans[0]!.value,
        peakRssMb: Math.max(...scans.map((s) => s.peakRssMb)),
        rssGrowthMb: Math.max(...scans.map((s) => s.rssGrowthMb)),
        heapGrowthMb: Math.max(...scans.map((s) => s.heapGrowthMb)),
      },
      formats,
    };
  } finally {
    s3.child.kill('SIGTERM');
  }
}
