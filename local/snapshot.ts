import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import {
  BatchWriteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  ScanCommand,
  UpdateTableCommand,
  waitUntilTableNotExists,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { TableDefinition } from '../functions/shared/schema/tables';
import { ensureTable, LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb';
import { readJsonFile } from './paths';

/**
 * Local snapshots (`npm run backup` / `npm run restore`): every item of every table, as gzipped
 * JSON lines —
 *   {"format":"backoffice-local-snapshot","version":1,"createdAt",…,"tables":[{name, definition}],"files":{…}}
 *   {"table":"Backoffice","item":{"pk":{"S":"…"},…}}            one line per item, DynamoDB JSON
 *   {"end":true,"counts":{"Backoffice":n,…},"sha256":"…"}       so a truncated or edited file is refused
 * DynamoDB JSON keeps every type exactly (numbers as strings, sets, binary as base64).
 */
export const SNAPSHOT_FORMAT = 'backoffice-local-snapshot';
export const SNAPSHOT_VERSION = 1;

export interface SnapshotTable {
  name: string;
  definition: TableDefinition;
}

export interface SnapshotHeader {
  format: typeof SNAPSHOT_FORMAT;
  version: number;
  createdAt: string;
  /** How the snapshot was made consistent: a quiesced running runtime, or a stopped one. */
  consistency: 'quiesced-runtime' | 'stopped-runtime';
  tables: SnapshotTable[];
  /** Small local files that belong with the data (the demo partner keys, whose hashes are in the table). */
  files: Record<string, unknown>;
}

export interface SnapshotTrailer {
  end: true;
  counts: Record<string, number>;
  sha256: string;
}

type JsonAttribute = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;

/** AttributeValue → JSON (binary as base64). */
export function encodeValue(value: AttributeValue): JsonAttribute {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.L !== undefined) return { L: value.L.map(encodeValue) };
  if (value.M !== undefined) return { M: encodeItem(value.M) };
  return value as unknown as JsonAttribute;
}

/** JSON → AttributeValue. */
export function decodeValue(value: JsonAttribute): AttributeValue {
  if (typeof value.B === 'string') return { B: Buffer.from(value.B, 'base64') };
  if (Array.isArray(value.BS)) return { BS: (value.BS as string[]).map((b) => Buffer.from(b, 'base64')) };
  if (Array.isArray(value.L)) return { L: (value.L as JsonAttribute[]).map(decodeValue) };
  if (value.M && typeof value.M === 'object') return { M: decodeItem(value.M as Record<string, JsonAttribute>) };
  return value as unknown as AttributeValue;
}

export function encodeItem(item: Item): Record<string, JsonAttribute> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, encodeValue(value)]));
}

export function decodeItem(item: Record<string, JsonAttribute>): Item {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, decodeValue(value)]));
}

/** Every item of a table (consistent reads, page by page). */
export async function* scanTable(client: DynamoDBClient, tableName: string): AsyncGenerator<Item> {
  let start: Item | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) yield item;
    start = page.LastEvaluatedKey;
  } while (start);
}

/**
 * Writes a snapshot of `tables` to `file` (gzip). Written to a temporary file and renamed, so a
 * backup that fails or is killed never leaves a partial snapshot under the final name.
 */
export async function writeSnapshot(options: {
  client: DynamoDBClient;
  tables: SnapshotTable[];
  file: string;
  consistency: SnapshotHeader['consistency'];
  files?: Record<string, unknown>;
}): Promise<{ file: string; counts: Record<string, number>; bytes: number }> {
  mkdirSync(dirname(options.file), { recursive: true });
  const temporary = `${options.file}.${process.pid}.partial`;
  const counts: Record<string, number> = {};
  const hash = createHash('sha256');
  const header: SnapshotHeader = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    createdAt: new Date().toISOString(),
    consistency: options.consistency,
    tables: options.tables,
    files: options.files ?? {},
  };
  const { client, tables } = options;
  async function* lines(): AsyncGenerator<string> {
    yield `${JSON.stringify(header)}\n`;
    for (const table of tables) {
      counts[table.name] = 0;
      for await (const item of scanTable(client, table.name)) {
        const line = `${JSON.stringify({ table: table.name, item: encodeItem(item) })}\n`;
        hash.update(line);
        counts[table.name] += 1;
        yield line;
      }
    }
    const trailer: SnapshotTrailer = { end: true, counts, sha256: hash.digest('hex') };
    yield `${JSON.stringify(trailer)}\n`;
  }
  let bytes = 0;
  const output = createWriteStream(temporary, { mode: 0o600 });
  output.on('finish', () => (bytes = output.bytesWritten));
  try {
    await pipeline(Readable.from(lines()), createGzip(), output);
    renameSync(temporary, options.file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return { file: options.file, counts, bytes };
}

/** Reads and checks a whole snapshot (header, every item, trailer counts and checksum). */
export async function readSnapshot(file: string): Promise<{ header: SnapshotHeader; items: Map<string, Item[]>; trailer: SnapshotTrailer }> {
  const input = createReadStream(file).pipe(createGunzip());
  const reader = createInterface({ input, crlfDelay: Infinity });
  let header: SnapshotHeader | undefined;
  let trailer: SnapshotTrailer | undefined;
  const items = new Map<string, Item[]>();
  const hash = createHash('sha256');
  let lineNumber = 0;
  for await (const line of reader) {
    lineNumber += 1;
    if (line === '') continue;
    if (trailer) throw new Error(`${file}: data after the end marker (line ${lineNumber})`);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    if (!header) {
      if (parsed.format !== SNAPSHOT_FORMAT) throw new Error(`${file} is not a Backoffice local snapshot`);
      if (parsed.version !== SNAPSHOT_VERSION) throw new Error(`${file}: snapshot version ${String(parsed.version)} is not supported`);
      header = parsed as unknown as SnapshotHeader;
      for (const table of header.tables) items.set(table.name, []);
      continue;
    }
    if (parsed.end === true) {
      trailer = parsed as unknown as SnapshotTrailer;
      continue;
    }
    const list = items.get(String(parsed.table));
    if (!list) throw new Error(`${file}: line ${lineNumber} names unknown table ${String(parsed.table)}`);
    hash.update(`${line}\n`);
    list.push(decodeItem(parsed.item as Record<string, JsonAttribute>));
  }
  if (!header) throw new Error(`${file} is empty`);
  if (!trailer) throw new Error(`${file} is incomplete (no end marker): the backup did not finish`);
  if (hash.digest('hex') !== trailer.sha256) throw new Error(`${file} is damaged (checksum mismatch)`);
  for (const [name, list] of items) {
    if (list.length !== trailer.counts[name]) throw new Error(`${file}: ${name} has ${list.length} items, the end marker says ${trailer.counts[name]}`);
  }
  return { header, items, trailer };
}

async function tableExists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

async function isEmpty(client: DynamoDBClient, name: string): Promise<boolean> {
  const page = await client.send(new ScanCommand({ TableName: name, Limit: 1 }));
  return (page.Items ?? []).length === 0 && !page.LastEvaluatedKey;
}

async function batchWrite(client: DynamoDBClient, tableName: string, items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests: NonNullable<ConstructorParameters<typeof BatchWriteItemCommand>[0]['RequestItems']> = {
      [tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
    };
    for (let attempt = 0; Object.keys(requests).length > 0; attempt += 1) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1_000, 50 * 2 ** attempt)));
      if (attempt > 10) throw new Error(`Could not write ${tableName} items (unprocessed after retries)`);
      const { UnprocessedItems } = await client.send(new BatchWriteItemCommand({ RequestItems: requests }));
      requests = UnprocessedItems ?? {};
    }
  }
}

/**
 * Loads a snapshot into DynamoDB Local. Refuses tables that hold items unless `replace` (then they
 * are deleted and created again). A table with a stream is created without it, loaded, and only
 * then given its stream: the restored items are the starting state, not changes, so the stream
 * consumers (the audit log) do not receive them again — like a table restored in AWS, whose new
 * stream starts empty.
 */
export async function loadSnapshot(options: {
  client: DynamoDBClient;
  snapshot: Awaited<ReturnType<typeof readSnapshot>>;
  /** The tables to create, by name (the current definitions; the snapshot's are checked against them). */
  tables: SnapshotTable[];
  replace?: boolean;
  log?: (line: string) => void;
}): Promise<Record<string, number>> {
  const { client, snapshot } = options;
  const log = options.log ?? (() => undefined);
  const loaded: Record<string, number> = {};
  for (const table of options.tables) {
    const saved = snapshot.header.tables.find((t) => t.name === table.name);
    if (!saved) throw new Error(`The snapshot has no table ${table.name}`);
    if (JSON.stringify(saved.definition) !== JSON.stringify(table.definition)) {
      log(`Note: ${table.name} was saved with another definition (keys or indexes changed since); loading into the current one.`);
    }
    if (await tableExists(client, table.name)) {
      if (!(await isEmpty(client, table.name)) && !options.replace) {
        throw new Error(`${table.name} is not empty. Restore into a clean runtime (npm start -- --reset, or another BACKOFFICE_DATA_DIR), or pass --replace to drop its items.`);
      }
      await client.send(new DeleteTableCommand({ TableName: table.name }));
      await waitUntilTableNotExists({ client, maxWaitTime: 60 }, { TableName: table.name });
    }
    const { stream, ...withoutStream } = table.definition;
    await ensureTable(client, withoutStream, table.name);
    const items = snapshot.items.get(table.name) ?? [];
    await batchWrite(client, table.name, items);
    if (stream) {
      await client.send(new UpdateTableCommand({ TableName: table.name, StreamSpecification: { StreamEnabled: true, StreamViewType: stream } }));
    }
    loaded[table.name] = items.length;
  }
  return loaded;
}

/**
 * Stream records the runtime's consumers have not finished with (after their checkpoints in
 * `stream-checkpoints.json`). A snapshot of a stopped runtime with pending records would hold
 * changes whose audit entries are not written yet — and a restored table's stream starts empty.
 */
export async function pendingStreamRecords(options: { endpoint: string; client: DynamoDBClient; tableName: string; checkpointFile: string }): Promise<Record<string, number>> {
  const { Table } = await options.client.send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) return {};
  const checkpoints = readJsonFile<Record<string, { streamArn: string; shards: Record<string, { sequenceNumber?: string; finished?: boolean }> }>>(options.checkpointFile) ?? {};
  const streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const pending: Record<string, number> = {};
    for (const [consumer, checkpoint] of Object.entries(checkpoints)) {
      let count = 0;
      for (const shard of StreamDescription?.Shards ?? []) {
        const position = checkpoint.streamArn === streamArn ? checkpoint.shards[shard.ShardId!] : undefined;
        if (position?.finished) continue;
        let { ShardIterator: iterator } = await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shard.ShardId,
            ...(position?.sequenceNumber
              ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: position.sequenceNumber }
              : { ShardIteratorType: 'TRIM_HORIZON' }),
          }),
        );
        while (iterator) {
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          count += page.Records?.length ?? 0;
          if (!page.Records?.length) break;
          iterator = page.NextShardIterator;
        }
      }
      if (count > 0) pending[consumer] = count;
    }
    return pending;
  } finally {
    streams.destroy();
  }
}
