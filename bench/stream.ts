import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { newId } from '../functions/shared/ids';
import { AUDIT_CONSUMER, METRICS_CONSUMER } from '../functions/shared/schema/stream-consumers';
import { lambdaContext } from '../tests/support/lambda-events';
import { round } from './stats';

/**
 * The stream consumers fed synthetic DynamoDB stream batches against DynamoDB Local, in process, with
 * their event source settings: the audit consumer gets `parallelizationFactor` batches of `batchSize`
 * at once (as Lambda delivers a busy shard), the metrics consumer one batch at a time. Beside them, the
 * engine's own write rate: the items the audit consumer writes per record (entry and marker) put by
 * BatchWriteItem from as many concurrent writers, with no reads and no conditions. Rounds interleaved.
 */
const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as unknown as Record<string, AttributeValue>;

/** `size` records: `size / 4` products, each created then changed three times, in stream order. */
function productChanges(size: number): DynamoDBRecord[] {
  const records: DynamoDBRecord[] = [];
  let clock = Date.now();
  for (let p = 0; p < size / 4; p++) {
    const id = newId();
    let previous: Record<string, unknown> | undefined;
    for (let v = 1; v <= 4; v++) {
      const item = {
        pk: `PRODUCT#${id}`,
        sk: 'PRODUCT',
        entityType: 'product',
        id,
        sku: `S-${id}`,
        name: `Bench product v${v}`,
        price: { amount: 1_000 + v, currency: 'EUR' },
        status: v > 2 ? 'active' : 'draft',
        version: v,
        updatedAt: new Date((clock += 1)).toISOString(),
        updatedBy: 'staff:bench',
        requestId: `req-${newId()}`,
        sourceIp: '198.51.100.7',
      };
      records.push({
        eventID: randomUUID(),
        eventName: previous ? 'MODIFY' : 'INSERT',
        eventSource: 'aws:dynamodb',
        dynamodb: { Keys: image({ pk: item.pk, sk: item.sk }), SequenceNumber: String(clock), StreamViewType: 'NEW_AND_OLD_IMAGES', NewImage: image(item), ...(previous ? { OldImage: image(previous) } : {}) },
      });
      previous = item;
    }
  }
  return records;
}

/** `size` payment inserts over two days. */
function payments(size: number): DynamoDBRecord[] {
  const day = new Date().toISOString().slice(0, 10);
  return Array.from({ length: size }, (_, i) => ({
    eventID: randomUUID(),
    eventName: 'INSERT' as const,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: String(i + 1),
      NewImage: image({ pk: `ORDER#${newId()}`, sk: `PAYMENT#${newId()}`, entityType: 'payment', amount: { amount: 1_000, currency: 'EUR' }, createdAt: `${day}T0${i % 2}:00:00.000Z` }),
    },
  }));
}

const elapsedMs = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

export async function measureStreamConsumers(rounds: number) {
  const { handler: audit } = await import('../functions/audit/consumer');
  const { handler: metrics } = await import('../functions/analytics/consumer');
  const { documentClient } = await import('../functions/shared/db');
  const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const auditTable = process.env.AUDIT_TABLE_NAME!;
  const lanes = AUDIT_CONSUMER.parallelizationFactor;
  const auditBatch = AUDIT_CONSUMER.batchSize;
  const metricsBatch = METRICS_CONSUMER.batchSize;
  const perRound = lanes * auditBatch;
  const totals = { auditMs: 0, baselineMs: 0, metricsMs: 0 };

  const auditRound = async () => {
    const batches = Array.from({ length: lanes }, () => productChanges(auditBatch));
    const t = process.hrtime.bigint();
    const results = await Promise.all(batches.map((records) => audit({ Records: records }, lambdaContext('audit-consumer'))));
    totals.auditMs += elapsedMs(t);
    const failed = results.reduce((n, r) => n + r.batchItemFailures.length, 0);
    if (failed > 0) throw new Error(`The audit consumer failed ${failed} records`);
  };
  const baselineRound = async () => {
    const batches = Array.from({ length: lanes }, () => productChanges(auditBatch));
    const t = process.hrtime.bigint();
    await Promise.all(
      batches.map(async (records) => {
        const items = records.flatMap((r) => [
          { pk: `BASELINE#${r.eventID}`, sk: 'ENTRY', eventId: r.eventID, image: r.dynamodb?.NewImage },
          { pk: `BASELINE#${r.eventID}`, sk: 'MARKER', eventId: r.eventID },
        ]);
        for (let start = 0; start < items.length; start += 25) {
          let pending = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
          while (pending.length > 0) {
            const { UnprocessedItems } = await documentClient.send(new BatchWriteCommand({ RequestItems: { [auditTable]: pending } }));
            pending = (UnprocessedItems?.[auditTable] ?? []) as typeof pending;
          }
        }
      }),
    );
    totals.baselineMs += elapsedMs(t);
  };
  const metricsRound = async () => {
    const batches = Array.from({ length: Math.ceil(perRound / metricsBatch) }, () => payments(metricsBatch));
    const t = process.hrtime.bigint();
    for (const records of batches) {
      const result = await metrics({ Records: records }, lambdaContext('metrics-consumer'));
      if (result.batchItemFailures.length > 0) throw new Error(`The metrics consumer failed ${result.batchItemFailures.length} records`);
    }
    totals.metricsMs += elapsedMs(t);
  };

  // Warm-up of every side, then interleaved rounds so drift in machine load hits each alike.
  await auditRound();
  await baselineRound();
  await metricsRound();
  Object.assign(totals, { auditMs: 0, baselineMs: 0, metricsMs: 0 });
  const sides = [auditRound, baselineRound, metricsRound];
  for (let i = 0; i < rounds; i++) for (const side of i % 2 === 0 ? sides : [...sides].reverse()) await side();

  const records = rounds * perRound;
  const rate = (ms: number, n = records) => round(n / (ms / 1000), 0);
  const metricsRecords = rounds * Math.ceil(perRound / metricsBatch) * metricsBatch;
  return {
    rounds,
    lanes,
    auditBatchSize: auditBatch,
    metricsBatchSize: metricsBatch,
    auditRecordsPerSecond: rate(totals.auditMs),
    baselineRecordsPerSecond: rate(totals.baselineMs),
    auditRatioToBaseline: round(totals.baselineMs / totals.auditMs),
    metricsRecordsPerSecond: rate(totals.metricsMs, metricsRecords),
  };
}
