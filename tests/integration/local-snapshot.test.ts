import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { AUDIT_TABLE, SINGLE_TABLE } from '../../functions/shared/schema/tables';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient } from '../../local/dynamodb';
import { InvocationGate, startControlServer, whileQuiesced } from '../../local/quiesce';
import { loadSnapshot, readSnapshot, scanTable, writeSnapshot, type Item, type SnapshotTable } from '../../local/snapshot';
import { newId } from '../../functions/shared/ids';

/**
 * Local snapshots against DynamoDB Local: a snapshot loads into clean tables item for item, the
 * single table gets its stream back only after the load (so consumers never see restored items as
 * changes), tables holding items are refused unless replaced; and the runtime's control endpoint.
 */
let client: DynamoDBClient;
let dir: string;
beforeAll(() => {
  client = localDynamoClient(process.env.AWS_ENDPOINT_URL_DYNAMODB!);
  dir = mkdtempSync(join(tmpdir(), 'backoffice-snapshot-'));
});
afterAll(() => {
  client.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const tablesNamed = (suffix: string): SnapshotTable[] => [
  { name: `Snap-${suffix}`, definition: SINGLE_TABLE },
  { name: `SnapAudit-${suffix}`, definition: AUDIT_TABLE },
];

async function all(name: string): Promise<Item[]> {
  const items: Item[] = [];
  for await (const item of scanTable(client, name)) items.push(item);
  return items.sort((a, b) => `${a.pk!.S}|${a.sk!.S}`.localeCompare(`${b.pk!.S}|${b.sk!.S}`));
}

async function streamRecordCount(table: string): Promise<number> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  const streams = new DynamoDBStreamsClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB!, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: Table!.LatestStreamArn! }));
    let count = 0;
    for (const shard of StreamDescription?.Shards ?? []) {
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn: Table!.LatestStreamArn!, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: ShardIterator! }));
      count += page.Records?.length ?? 0;
    }
    return count;
  } finally {
    streams.destroy();
  }
}

test('a snapshot loads into clean tables item for item; the stream starts empty; a non-empty table is refused unless replaced', async () => {
  const id = newId();
  const source = tablesNamed(`src-${id}`);
  // Source tables through the loader itself (empty snapshot), then items written as the runtime would.
  const file = join(dir, `${id}.jsonl.gz`);
  const items: Item[] = Array.from({ length: 60 }, (_, i) => ({
    pk: { S: `PRODUCT#${i}` },
    sk: { S: 'PRODUCT' },
    entityType: { S: 'product' },
    price: { M: { amount: { N: String(100 + i) }, currency: { S: 'EUR' } } },
    tags: { SS: ['a', `t${i}`] },
    blob: { B: Buffer.from([i]) },
  }));
  const empty = join(dir, `${id}-empty.jsonl.gz`);
  await writeSnapshot({ client: { send: async () => ({ Items: [] }) } as unknown as DynamoDBClient, tables: source, file: empty, consistency: 'stopped-runtime' });
  await loadSnapshot({ client, snapshot: await readSnapshot(empty), tables: source });
  for (const item of items) await client.send(new PutItemCommand({ TableName: source[0]!.name, Item: item }));
  await client.send(new PutItemCommand({ TableName: source[1]!.name, Item: { pk: { S: 'product#1' }, sk: { S: '0000000001' }, actor: { S: 'staff:1' }, at: { S: 'x' } } }));

  await writeSnapshot({ client, tables: source, file, consistency: 'quiesced-runtime' });
  const snapshot = await readSnapshot(file);
  const target = tablesNamed(`dst-${id}`);
  const renamed = { ...snapshot, items: new Map([...snapshot.items].map(([_name, list], i) => [target[i]!.name, list])), header: { ...snapshot.header, tables: target } };

  expect(await loadSnapshot({ client, snapshot: renamed, tables: target })).toEqual({ [target[0]!.name]: 60, [target[1]!.name]: 1 });
  expect(await all(target[0]!.name)).toEqual(await all(source[0]!.name));
  expect(await all(target[1]!.name)).toEqual(await all(source[1]!.name));
  // The restored single table streams again, from an empty stream.
  const { Table } = await client.send(new DescribeTableCommand({ TableName: target[0]!.name }));
  expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  expect(await streamRecordCount(target[0]!.name)).toBe(0);
  expect(await streamRecordCount(source[0]!.name)).toBeGreaterThanOrEqual(60);

  await expect(loadSnapshot({ client, snapshot: renamed, tables: target })).rejects.toThrow(`${target[0]!.name} is not empty`);
  await client.send(new PutItemCommand({ TableName: target[0]!.name, Item: { pk: { S: 'EXTRA' }, sk: { S: 'EXTRA' } } }));
  await loadSnapshot({ client, snapshot: renamed, tables: target, replace: true });
  expect(await all(target[0]!.name)).toEqual(await all(source[0]!.name));
});

describe('control endpoint of the runtime', () => {
  function target() {
    const gate = new InvocationGate();
    const calls: string[] = [];
    return {
      gate,
      calls,
      target: {
        gate,
        streamsSettled: async () => void calls.push('settle'),
        committed: async () => void calls.push('commit'),
        describe: () => ({ dynamodbEndpoint: 'http://127.0.0.1:1' }),
      },
    };
  }

  test('quiesces (gate closed, streams drained, writes committed) for the callback, then resumes', async () => {
    const { gate, calls, target: t } = target();
    const server = await startControlServer(t);
    try {
      const seen = await whileQuiesced(server, async (described) => {
        expect(gate.closed).toBe(true);
        return described;
      });
      expect(seen).toMatchObject({ dynamodbEndpoint: 'http://127.0.0.1:1', leaseMs: 60_000 });
      expect(calls).toEqual(['settle', 'commit']);
      expect(gate.closed).toBe(false);
    } finally {
      await server.close();
    }
  });

  test('gives up (503, resumed) when an invocation in flight does not finish in time', async () => {
    const { gate, target: t } = target();
    const server = await startControlServer({ ...t, drainTimeoutMs: 200 });
    let finish!: () => void;
    const stuck = gate.run(() => new Promise<void>((resolve) => (finish = resolve)));
    try {
      const res = await fetch(`${server.url}/quiesce`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` } });
      expect(res.status).toBe(503);
      expect(gate.closed).toBe(false);
    } finally {
      finish();
      await stuck;
      await server.close();
    }
  });

  test('refuses a wrong token and a second quiesce; reopens by itself when the lease ends', async () => {
    const { gate, target: t } = target();
    const server = await startControlServer(t);
    try {
      const bad = await fetch(`${server.url}/quiesce`, { method: 'POST', headers: { authorization: 'Bearer nope' } });
      expect(bad.status).toBe(401);
      const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
      const first = await fetch(`${server.url}/quiesce`, { method: 'POST', headers, body: JSON.stringify({ leaseMs: 1_000 }) });
      expect(first.status).toBe(200);
      const second = await fetch(`${server.url}/quiesce`, { method: 'POST', headers, body: '{}' });
      expect(second.status).toBe(409);
      expect(gate.closed).toBe(true);
      await new Promise((r) => setTimeout(r, 1_300));
      expect(gate.closed).toBe(false);
    } finally {
      await server.close();
    }
  });
});
