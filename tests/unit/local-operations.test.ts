import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SINGLE_TABLE, AUDIT_TABLE } from '../../functions/shared/schema/tables';
import { InvocationGate } from '../../local/quiesce';
import { decodeItem, encodeItem, readSnapshot, writeSnapshot, type Item } from '../../local/snapshot';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'backoffice-ops-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A DynamoDB client answering Scan from fixed pages per table (two items per page). */
function fakeClient(tables: Record<string, Item[]>): DynamoDBClient {
  return {
    send: async (command: { input: { TableName: string; ExclusiveStartKey?: Item } }) => {
      const items = tables[command.input.TableName] ?? [];
      const start = command.input.ExclusiveStartKey ? Number(command.input.ExclusiveStartKey.i!.N) : 0;
      const page = items.slice(start, start + 2);
      return { Items: page, ...(start + 2 < items.length ? { LastEvaluatedKey: { i: { N: String(start + 2) } } } : {}) };
    },
  } as unknown as DynamoDBClient;
}

const everyType: Item = {
  pk: { S: 'PRODUCT#1' },
  sk: { S: 'PRODUCT' },
  n: { N: '12.50' },
  flag: { BOOL: false },
  nothing: { NULL: true },
  blob: { B: new Uint8Array([0, 1, 2, 255]) },
  blobs: { BS: [new Uint8Array([1]), new Uint8Array([2, 3])] },
  names: { SS: ['a', 'b'] },
  numbers: { NS: ['1', '2.5'] },
  list: { L: [{ S: 'x' }, { M: { deep: { B: new Uint8Array([9]) } } }] },
  map: { M: { price: { M: { amount: { N: '1999' }, currency: { S: 'EUR' } } } } },
};

describe('snapshot items', () => {
  test('every DynamoDB type survives the JSON round trip, binary included', () => {
    const json = JSON.parse(JSON.stringify(encodeItem(everyType))) as Parameters<typeof decodeItem>[0];
    const back = decodeItem(json);
    const normalize = (value: unknown): unknown =>
      value instanceof Uint8Array
        ? `bytes:${Buffer.from(value).toString('hex')}`
        : Array.isArray(value)
          ? value.map(normalize)
          : value && typeof value === 'object'
            ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]))
            : value;
    expect(normalize(back)).toEqual(normalize(everyType));
    expect(Buffer.from(back.blob!.B!)).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  test('a snapshot holds a header, every item of every table and a checked trailer', async () => {
    const tables = {
      Backoffice: [everyType, { pk: { S: 'A' }, sk: { S: 'B' } }, { pk: { S: 'C' }, sk: { S: 'D' } }] as Item[],
      AuditLog: [{ pk: { S: 'product#1' }, sk: { S: '0000000001' } }] as Item[],
    };
    const file = join(dir, 'ok.jsonl.gz');
    const written = await writeSnapshot({
      client: fakeClient(tables),
      tables: [
        { name: 'Backoffice', definition: SINGLE_TABLE },
        { name: 'AuditLog', definition: AUDIT_TABLE },
      ],
      file,
      consistency: 'quiesced-runtime',
      files: { 'demo-keys.json': { shop: 1 } },
    });
    expect(written.counts).toEqual({ Backoffice: 3, AuditLog: 1 });
    const read = await readSnapshot(file);
    expect(read.header).toMatchObject({ format: 'backoffice-local-snapshot', version: 1, consistency: 'quiesced-runtime', files: { 'demo-keys.json': { shop: 1 } } });
    expect(read.items.get('Backoffice')).toHaveLength(3);
    expect(read.items.get('AuditLog')).toEqual(tables.AuditLog);
    const lines = gunzipSync(readFileSync(file)).toString().trim().split('\n');
    expect(lines).toHaveLength(1 + 4 + 1);
  });

  test.each([
    ['truncated (no end marker)', (lines: string[]) => lines.slice(0, -1), 'incomplete'],
    ['an edited item', (lines: string[]) => [lines[0]!, lines[1]!.replace('PRODUCT#1', 'PRODUCT#2'), ...lines.slice(2)], 'checksum'],
    ['a dropped item', (lines: string[]) => [lines[0]!, ...lines.slice(2)], 'checksum'],
    ['not a snapshot', () => ['{"hello":"world"}'], 'not a Backoffice local snapshot'],
  ])('refuses a file with %s', async (_name, damage, message) => {
    const lines = gunzipSync(readFileSync(join(dir, 'ok.jsonl.gz'))).toString().trim().split('\n');
    const file = join(dir, `bad-${message.replace(/\W/g, '')}.jsonl.gz`);
    writeFileSync(file, gzipSync(`${damage(lines).join('\n')}\n`));
    await expect(readSnapshot(file)).rejects.toThrow(message);
  });

  test('a scan that fails leaves no file under the final name', async () => {
    const failing = { send: async () => Promise.reject(new Error('DynamoDB Local went away')) } as unknown as DynamoDBClient;
    const file = join(dir, 'failed.jsonl.gz');
    await expect(writeSnapshot({ client: failing, tables: [{ name: 'Backoffice', definition: SINGLE_TABLE }], file, consistency: 'stopped-runtime' })).rejects.toThrow(
      'went away',
    );
    expect(() => readFileSync(file)).toThrow();
  });
});

describe('invocation gate', () => {
  test('closing waits for invocations in flight and holds new ones until it opens', async () => {
    const gate = new InvocationGate();
    const events: string[] = [];
    let finishFirst!: () => void;
    const first = gate.run(() => new Promise<void>((resolve) => (finishFirst = resolve)).then(() => events.push('first done')));
    const closed = gate.close().then(() => events.push('closed'));
    const second = gate.run(async () => events.push('second ran'));
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual([]);
    finishFirst();
    await Promise.all([first, closed]);
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual(['first done', 'closed']);
    gate.open();
    await second;
    expect(events).toEqual(['first done', 'closed', 'second ran']);
  });

  test('an invocation that fails still leaves the gate idle', async () => {
    const gate = new InvocationGate();
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await gate.close();
    expect(gate.closed).toBe(true);
    gate.open();
    expect(gate.closed).toBe(false);
  });
});
