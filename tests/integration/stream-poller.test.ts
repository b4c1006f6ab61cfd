import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, DeleteItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { SINGLE_TABLE } from '../../functions/shared/schema/tables';
import { ensureTable, localDynamoClient } from '../../local/dynamodb';
import { createStreamPoller, lanesOf, type FailureMessage, type StreamConsumer, type StreamPoller } from '../../local/stream-poller';

/**
 * The local stream poller against DynamoDB Local: Lambda's event source mapping semantics for
 * DynamoDB streams. Each test gets its own stream-enabled table (the single-table definition) and
 * its own state directory.
 */
jest.setTimeout(30_000);

let client: DynamoDBClient;
let table: string;
let stateDir: string;
const pollers: StreamPoller[] = [];

beforeAll(() => {
  client = localDynamoClient(process.env.AWS_ENDPOINT_URL_DYNAMODB!);
});
afterAll(() => client.destroy());

beforeEach(async () => {
  table = `StreamPoller-${randomUUID().slice(0, 8)}`;
  stateDir = mkdtempSync(join(tmpdir(), 'stream-poller-'));
  await ensureTable(client, SINGLE_TABLE, table);
});

afterEach(async () => {
  for (const poller of pollers.splice(0)) {
    await poller.stop();
    poller.destroy();
  }
  await client.send(new DeleteTableCommand({ TableName: table }));
  rmSync(stateDir, { recursive: true, force: true });
});

function poller(): StreamPoller {
  const created = createStreamPoller({
    endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB!,
    tableName: table,
    stateDir,
    pollIntervalMs: 20,
    retryBaseDelayMs: 1,
  });
  pollers.push(created);
  return created;
}

async function put(id: string, entityType = 'product', extra: Record<string, { S: string }> = {}): Promise<void> {
  await client.send(
    new PutItemCommand({ TableName: table, Item: { pk: { S: `ITEM#${id}` }, sk: { S: 'ITEM' }, entityType: { S: entityType }, ...extra } }),
  );
}

const idOf = (record: DynamoDBRecord) => (record.dynamodb?.NewImage ?? record.dynamodb?.OldImage)?.pk?.S?.replace('ITEM#', '');

/** A consumer that records every batch it is invoked with and answers with `respond`. */
function recorder(
  name: string,
  options: Partial<StreamConsumer> = {},
  respond: (records: DynamoDBRecord[], call: number) => DynamoDBBatchResponse | void = () => undefined,
) {
  const calls: string[][] = [];
  const succeeded: string[] = [];
  const consumer: StreamConsumer = {
    name,
    ...options,
    handler: async (event) => {
      const ids = event.Records.map((r) => idOf(r)!);
      calls.push(ids);
      const response = respond(event.Records, calls.length);
      // Records before the first reported failure count as processed (an unknown identifier fails them all).
      const reported = (response?.batchItemFailures ?? []).map((f) => event.Records.findIndex((r) => r.dynamodb?.SequenceNumber === f.itemIdentifier));
      const failedFrom = reported.length === 0 ? ids.length : reported.includes(-1) ? 0 : Math.min(...reported);
      succeeded.push(...ids.slice(0, failedFrom));
      return response ?? undefined;
    },
  };
  return { consumer, calls, succeeded };
}

function failures(name: string): FailureMessage[] {
  const file = join(stateDir, 'failures', `${name}.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as FailureMessage);
}

const ids = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

describe('stream poller', () => {
  it('delivers records in order, in batches of at most batchSize, shaped like Lambda events', async () => {
    const written = ids(25);
    for (const id of written) await put(id);
    const events: DynamoDBRecord[] = [];
    const { consumer, calls } = recorder('ordered', { batchSize: 10 });
    const inner = consumer.handler;
    consumer.handler = async (event, context) => {
      events.push(...event.Records);
      return inner(event, context);
    };
    const streams = poller();
    streams.register(consumer);
    streams.start();
    await streams.settled();

    expect(calls.flat()).toEqual(written);
    expect(calls.every((batch) => batch.length >= 1 && batch.length <= 10)).toBe(true);
    expect(calls.length).toBeGreaterThanOrEqual(3);

    const first = events[0]!;
    expect(first).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventVersion: '1.1',
      eventSourceARN: expect.stringMatching(new RegExp(`table/${table}/stream/`)),
      dynamodb: {
        Keys: { pk: { S: 'ITEM#r000' }, sk: { S: 'ITEM' } },
        NewImage: { pk: { S: 'ITEM#r000' }, entityType: { S: 'product' } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        SequenceNumber: expect.any(String),
        ApproximateCreationDateTime: expect.any(Number),
      },
    });
    expect(first.eventID).toEqual(expect.any(String));
    const sequence = events.map((e) => BigInt(e.dynamodb!.SequenceNumber!));
    expect(sequence).toEqual([...sequence].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('with a parallelization factor, delivers several batches at once, each key in order in one lane, and checkpoints the page', async () => {
    const keys = ids(8, 'k');
    for (let version = 0; version < 10; version++) for (const key of keys) await put(key, 'product', { v: { S: String(version) } });
    const seen = new Map<string, number[]>();
    let inFlight = 0;
    let mostInFlight = 0;
    const consumer: StreamConsumer = {
      name: 'parallel',
      batchSize: 5,
      parallelizationFactor: 4,
      handler: async (event) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 15));
        for (const record of event.Records) {
          const key = idOf(record)!;
          seen.set(key, [...(seen.get(key) ?? []), Number(record.dynamodb!.NewImage!.v!.S)]);
        }
        inFlight -= 1;
      },
    };
    const streams = poller();
    streams.register(consumer);
    streams.start();
    await streams.settled();
    await streams.stop();

    expect([...seen.keys()].sort()).toEqual(keys);
    for (const key of keys) expect(seen.get(key)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(4);

    // The checkpoint covers the page: a new poller delivers nothing again.
    let again = 0;
    const next = poller();
    next.register({ ...consumer, handler: async (event) => void (again += event.Records.length) });
    next.start();
    await next.settled();
    expect(again).toBe(0);
  });

  it('spreads records over lanes by partition key, each lane in stream order', () => {
    const record = (pk: string, n: number): DynamoDBRecord => ({ eventID: `${pk}-${n}`, dynamodb: { Keys: { pk: { S: pk } } } });
    const records = Array.from({ length: 40 }, (_, n) => record(`P#${n % 7}`, n));
    const lanes = lanesOf(records, 3);
    expect(lanes.flat()).toHaveLength(40);
    for (const lane of lanes) {
      const keysHere = new Set(lane.map((r) => r.dynamodb!.Keys!.pk!.S));
      for (const other of lanes.filter((l) => l !== lane)) expect(other.some((r) => keysHere.has(r.dynamodb!.Keys!.pk!.S))).toBe(false);
      const order = lane.map((r) => Number(r.eventID!.split('-')[1]));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });

  it('delivers updates and removals with their old images', async () => {
    const events: DynamoDBRecord[] = [];
    const streams = poller();
    streams.register({ name: 'images', handler: async (event) => void events.push(...event.Records) });
    streams.start();
    await put('a');
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: 'ITEM#a' }, sk: { S: 'ITEM' } },
        UpdateExpression: 'SET #n = :n',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':n': { S: 'renamed' } },
      }),
    );
    await client.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: 'ITEM#a' }, sk: { S: 'ITEM' } } }));
    await streams.settled();

    expect(events.map((e) => e.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    expect(events[1]!.dynamodb).toMatchObject({ OldImage: { entityType: { S: 'product' } }, NewImage: { name: { S: 'renamed' } } });
    expect(events[2]!.dynamodb!.NewImage).toBeUndefined();
    expect(events[2]!.dynamodb!.OldImage).toMatchObject({ name: { S: 'renamed' } });
  });

  it('filters by entity type; derived entity types never reach a consumer by default', async () => {
    await put('p1', 'product');
    await put('u1', 'unique');
    await put('o1', 'order');
    await put('m1', 'metric');
    await put('s1', 'staff');
    await put('a1', 'audit');
    await put('p2', 'product');
    const only = recorder('only-orders-and-products', { filter: { entityTypes: ['product', 'order'] } });
    const all = recorder('everything-primary');
    const streams = poller();
    streams.register(only.consumer);
    streams.register(all.consumer);
    streams.start();
    await streams.settled();

    expect(only.calls.flat()).toEqual(['p1', 'o1', 'p2']);
    expect(all.calls.flat()).toEqual(['p1', 'o1', 's1', 'p2']);
  });

  it('retries a partial batch failure from the first failed record', async () => {
    const written = ids(5);
    for (const id of written) await put(id);
    const { consumer, calls, succeeded } = recorder('partial', { batchSize: 10, maxRetries: 3 }, (records, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: records[3]!.dynamodb!.SequenceNumber! }, { itemIdentifier: records[2]!.dynamodb!.SequenceNumber! }] } : undefined,
    );
    const streams = poller();
    streams.register(consumer);
    streams.start();
    await streams.settled();

    expect(calls).toEqual([written, written.slice(2)]);
    expect(succeeded).toEqual(written);
    expect(failures('partial')).toEqual([]);
  });

  it('an unknown itemIdentifier fails the whole batch, which is retried', async () => {
    const written = ids(3);
    for (const id of written) await put(id);
    const { consumer, calls } = recorder('bad-identifier', { maxRetries: 2, bisectOnError: false }, (_records, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: 'no-such-record' }] } : undefined,
    );
    const streams = poller();
    streams.register(consumer);
    streams.start();
    await streams.settled();
    expect(calls).toEqual([written, written]);
  });

  it('sends a poison record to the failure destination after maxRetries (bisecting to isolate it) and goes on', async () => {
    const written = ids(6);
    for (const id of written) await put(id);
    const poison = 'r003';
    const { consumer, calls, succeeded } = recorder('poison', { batchSize: 10, maxRetries: 2, bisectOnError: true }, (records) => {
      if (records.some((r) => idOf(r) === poison)) throw new Error('cannot handle r003');
    });
    const streams = poller();
    streams.register(consumer);
    streams.start();
    await streams.settled();

    expect(succeeded.sort()).toEqual(written.filter((id) => id !== poison));
    // Bisection isolates it; then 1 attempt + 2 retries of the single record.
    expect(calls.filter((c) => c.length === 1 && c[0] === poison)).toHaveLength(3);
    const [failure, ...more] = failures('poison');
    expect(more).toEqual([]);
    expect(failure).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      responseContext: { functionError: 'Unhandled' },
      DDBStreamBatchInfo: { batchSize: 1, streamArn: expect.stringContaining(table) },
      error: expect.stringContaining('cannot handle r003'),
    });
    expect(failure!.records.map(idOf)).toEqual([poison]);
    expect(failure!.DDBStreamBatchInfo.startSequenceNumber).toBe(failure!.records[0]!.dynamodb!.SequenceNumber);

    // Records written afterwards still flow.
    await put('later');
    await streams.settled();
    expect(succeeded).toContain('later');
  });

  it('without bisect the whole failing batch goes to the failure destination, later batches still arrive', async () => {
    const written = ids(6);
    for (const id of written) await put(id);
    const { consumer, succeeded } = recorder('no-bisect', { batchSize: 2, maxRetries: 1, bisectOnError: false }, (records) => {
      if (records.some((r) => idOf(r) === 'r002')) throw new Error('poison');
    });
    const streams = poller();
    streams.register(consumer);
    streams.start();
    await streams.settled();

    expect(succeeded).toEqual(['r000', 'r001', 'r004', 'r005']);
    const sent = failures('no-bisect');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.records.map(idOf)).toEqual(['r002', 'r003']);
    expect(sent[0]!.requestContext.approximateInvokeCount).toBe(2);
  });

  it('resumes from its checkpoint after a restart without delivering anything twice', async () => {
    const before = ids(3, 'a');
    for (const id of before) await put(id);
    const first = recorder('resumable', { batchSize: 2 });
    const streams1 = poller();
    streams1.register(first.consumer);
    streams1.start();
    await streams1.settled();
    await streams1.stop();
    expect(first.calls.flat()).toEqual(before);
    expect(existsSync(join(stateDir, 'stream-checkpoints.json'))).toBe(true);

    const after = ids(2, 'b');
    for (const id of after) await put(id);
    const second = recorder('resumable', { batchSize: 2 });
    const streams2 = poller();
    streams2.register(second.consumer);
    streams2.start();
    await streams2.settled();
    expect(second.calls.flat()).toEqual(after);

    // Another consumer has its own checkpoint and starts from the oldest record.
    const other = recorder('newcomer');
    streams2.register(other.consumer);
    await streams2.settled();
    expect(other.calls.flat()).toEqual([...before, ...after]);
  });

  it('a consumer starting at LATEST sees only new records', async () => {
    await put('old');
    const latest = recorder('latest', { startingPosition: 'LATEST' });
    const streams = poller();
    streams.register(latest.consumer);
    streams.start();
    await streams.settled();
    await put('new');
    await streams.settled();
    expect(latest.calls.flat()).toEqual(['new']);
  });
});
