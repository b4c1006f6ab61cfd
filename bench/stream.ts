import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { newId } from '../functions/shared/ids';
import { lambdaContext } from '../tests/support/lambda-events';
import { round } from './stats';

/**
 * The audit consumer (functions/audit/consumer.ts) fed synthetic DynamoDB stream batches against
 * DynamoDB Local, side by side with a baseline that only writes one item per record (the least an
 * audit log can do), in the same process and client, batches interleaved.
 */
const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as unknown as Record<string, AttributeValue>;

/** `size` records: `size / 4` products, each created then changed three times, in stream order. */
function batch(size: number): DynamoDBRecord[] {
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
        dynamodb: { SequenceNumber: String(clock), StreamViewType: 'NEW_AND_OLD_IMAGES', NewImage: image(item), ...(previous ? { OldImage: image(previous) } : {}) },
      });
      previous = item;
    }
  }
  return records;
}

export async function measureAuditConsumer(batches: number, batchSize = 100) {
  const { handler } = await import('../functions/audit/consumer');
  const { documentClient } = await import('../functions/shared/db');
  const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
  const table = process.env.AUDIT_TABLE_NAME!;
  let consumerMs = 0;
  let baselineMs = 0;
  const consumer = async (records: DynamoDBRecord[]) => {
    const t = process.hrtime.bigint();
    const res = await handler({ Records: records }, lambdaContext('audit-consumer'));
    consumerMs += Number(process.hrtime.bigint() - t) / 1e6;
    if (res.batchItemFailures.length > 0) throw new Error(`Audit consumer failed ${res.batchItemFailures.length} records`);
  };
  const baseline = async (records: DynamoDBRecord[]) => {
    const t = process.hrtime.bigint();
    for (const record of records) {
      await documentClient.send(new PutCommand({ TableName: table, Item: { pk: `BASELINE#${record.eventID}`, sk: 'ENTRY', eventId: record.eventID, image: record.dynamodb?.NewImage } }));
    }
    baselineMs += Number(process.hrtime.bigint() - t) / 1e6;
  };
  await consumer(batch(batchSize)); // warm-up of both sides
  await baseline(batch(batchSize));
  consumerMs = 0;
  baselineMs = 0;
  for (let i = 0; i < batches; i++) {
    const [a, b] = [batch(batchSize), batch(batchSize)];
    if (i % 2 === 0) {
      await consumer(a);
      await baseline(b);
    } else {
      await baseline(b);
      await consumer(a);
    }
  }
  const records = batches * batchSize;
  const consumerRps = records / (consumerMs / 1000);
  const baselineRps = records / (baselineMs / 1000);
  return { batches, batchSize, consumerRecordsPerSecond: round(consumerRps, 0), baselineRecordsPerSecond: round(baselineRps, 0), ratio: round(consumerRps / baselineRps) };
}
