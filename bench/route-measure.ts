import { AsyncLocalStorage } from 'node:async_hooks';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { changeOf } from '../functions/audit/audit-entry';
import { incrementsOf } from '../functions/analytics/metrics';
import { partnerShipmentOf } from '../functions/logistics/shipments';
import { documentClient, tableName } from '../functions/shared/db';
import { routes } from '../functions/routes';
import {
  APPROVAL_STARTER_CONSUMER,
  AUDIT_CONSUMER,
  DIRECTORY_SYNC_CONSUMER,
  EXPORT_WORKER_CONSUMER,
  METRICS_CONSUMER,
  PARTNER_EVENTS_CONSUMER,
  USAGE_PLAN_SYNC_CONSUMER,
  type StreamConsumerDefinition,
} from '../functions/shared/schema/stream-consumers';
import { eventsOf } from '../functions/webhooks/events';
import { measured, recordCapacity, type SentRequest } from './capacity';
import { Fixtures, SCENARIOS } from './route-scenarios';
import { median } from './stats';

export interface RouteMeasurement {
  operationId: string;
  api: 'admin' | 'partner';
  module: string;
  method: string;
  path: string;
  /** The DynamoDB requests of the call, in order, with their consumed capacity (the last round). */
  requests: SentRequest[];
  /** Median handler duration over the rounds, in process against DynamoDB Local (ms). */
  durationMs: number;
  /**
   * With `streamRecords`: the single table's stream records the call caused (the last round), each
   * with what the stream consumers make of it. Read from DynamoDB Local's stream, so they are the
   * records Lambda would deliver: a write that changed nothing makes none.
   */
  streamRecords?: WrittenRecord[];
}

/** One stream record a route's call caused, and what each stream consumer does with it. */
export interface WrittenRecord {
  entityType: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  /** DynamoDB's size of the item after the change (before it, for a removal), in bytes. */
  itemBytes: number;
  /** The consumers whose event source filter lets it through (functions/shared/schema/stream-consumers.ts), by name. */
  consumers: string[];
  /** Size of the entry the audit consumer appends for it, in bytes (0: not audited). */
  auditEntryBytes: number;
  /** Day items the metrics consumer moves for it (0: it only reads the record). */
  metricDays: number;
  /** The partner events made of it (functions/webhooks/events.ts), each with its payload's size and audience. */
  partnerEvents: Array<{ type: string; payloadBytes: number; audience: string }>;
}

/** Every stream consumer of the single table, AWS-only ones included. */
export const STREAM_CONSUMERS: readonly StreamConsumerDefinition[] = [
  AUDIT_CONSUMER,
  METRICS_CONSUMER,
  PARTNER_EVENTS_CONSUMER,
  APPROVAL_STARTER_CONSUMER,
  DIRECTORY_SYNC_CONSUMER,
  USAGE_PLAN_SYNC_CONSUMER,
  EXPORT_WORKER_CONSUMER,
];

/**
 * Runs every route of the route table once per round, each on fresh fixtures, recording the DynamoDB
 * requests (and capacity) of the measured call only. Each route first runs once unrecorded, so what
 * is measured is a warm container (module-scope caches such as the approval policy filled), as
 * almost every request in production is. Throws when a route has no scenario or answers
 * another status than its scenario expects. With `streamRecords`, also reads the stream records
 * the last round's call caused (outside the timed call).
 */
export async function measureRoutes(rounds = 1, only?: (operationId: string) => boolean, options: { streamRecords?: boolean } = {}): Promise<RouteMeasurement[]> {
  const recorder = recordCapacity(documentClient);
  const tap = options.streamRecords ? await StreamTap.open() : undefined;
  const fx = await Fixtures.create();
  const results: RouteMeasurement[] = [];
  try {
    for (const route of routes) {
      if (only && !only(route.operationId)) continue;
      const scenario = SCENARIOS[route.operationId];
      if (!scenario) throw new Error(`No bench scenario for route ${route.operationId} (bench/route-scenarios.ts)`);
      const durations: number[] = [];
      let requests: SentRequest[] = [];
      let streamRecords: WrittenRecord[] | undefined;
      for (let round = -1; round < rounds; round++) {
        const { status, ...callOptions } = await scenario(fx);
        const capture = tap !== undefined && round === rounds - 1;
        if (capture) await tap.drain(); // the fixtures' records
        recorder.reset();
        const keys = new Set<string>();
        const started = process.hrtime.bigint();
        const res = await writtenKeys.run(keys, () => measured(() => fx.call(route.operationId, callOptions)));
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (round >= 0) {
          durations.push(ms);
          requests = recorder.requests();
        }
        if (capture) streamRecords = await Promise.all((await tap.recordsOf(keys)).map(summarize));
        if (res.status !== status) throw new Error(`${route.operationId}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
      }
      results.push({
        operationId: route.operationId,
        api: route.api,
        module: route.module,
        method: route.method,
        path: route.path,
        requests,
        durationMs: median(durations),
        ...(streamRecords ? { streamRecords } : {}),
      });
    }
  } finally {
    tap?.close();
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Stream records of a call

/** Keys (`pk|sk`) of the single-table items the measured call wrote, collected by a bench-only middleware. */
const writtenKeys = new AsyncLocalStorage<Set<string>>();
let keyRecorderInstalled = false;

type Key = Record<string, unknown>;
const keyString = (key: Key | undefined) => {
  const part = (value: unknown) => (value && typeof value === 'object' && 'S' in value ? String((value as { S: unknown }).S) : String(value));
  return key ? `${part(key.pk)}|${part(key.sk)}` : undefined;
};

/** The keys a write request names (a Put's item, an Update's or Delete's key; never a ConditionCheck's). */
function keysOf(operation: string, input: Record<string, any>): Array<{ table: string; key: string | undefined }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- any command input
  switch (operation) {
    case 'PutItem':
      return [{ table: input.TableName, key: keyString(input.Item) }];
    case 'UpdateItem':
    case 'DeleteItem':
      return [{ table: input.TableName, key: keyString(input.Key) }];
    case 'TransactWriteItems':
      return (input.TransactItems ?? []).flatMap((item: Record<string, any>) => { // eslint-disable-line @typescript-eslint/no-explicit-any -- any command input
        if (item.Put) return [{ table: item.Put.TableName, key: keyString(item.Put.Item) }];
        const write = item.Update ?? item.Delete;
        return write ? [{ table: write.TableName, key: keyString(write.Key) }] : [];
      });
    case 'BatchWriteItem':
      return Object.entries(input.RequestItems ?? {}).flatMap(([table, writes]) =>
        (writes as Array<Record<string, any>>).map((w) => ({ table, key: keyString(w.PutRequest?.Item ?? w.DeleteRequest?.Key) })), // eslint-disable-line @typescript-eslint/no-explicit-any -- any command input
      );
    default:
      return [];
  }
}

function installKeyRecorder(): void {
  if (keyRecorderInstalled) return;
  keyRecorderInstalled = true;
  documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      const keys = writtenKeys.getStore();
      if (keys) {
        const operation = String((context as { __smithy_context?: { operation?: string } }).__smithy_context?.operation ?? context.commandName).replace(/Command$/, '');
        for (const { table, key } of keysOf(operation, args.input as Record<string, unknown>)) if (table === tableName() && key) keys.add(key);
      }
      return next(args);
    },
    { step: 'initialize', name: 'benchWrittenKeys' },
  );
}

/**
 * Reads the single table's stream on DynamoDB Local from where it stood when opened (LATEST), shard
 * by shard, children included: what the bench process (and anything else) wrote since.
 */
class StreamTap {
  private readonly iterators = new Map<string, string>();
  private readonly done = new Set<string>();

  private constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly arn: string,
  ) {}

  static async open(): Promise<StreamTap> {
    installKeyRecorder();
    const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    if (!endpoint) throw new Error('Stream records are read from DynamoDB Local only (AWS_ENDPOINT_URL_DYNAMODB)');
    const dynamo = new DynamoDBClient({ endpoint });
    const arn = (await dynamo.send(new DescribeTableCommand({ TableName: tableName() }))).Table?.LatestStreamArn;
    dynamo.destroy();
    if (!arn) throw new Error(`${tableName()} has no stream`);
    const tap = new StreamTap(new DynamoDBStreamsClient({ endpoint }), arn);
    await tap.discover('LATEST');
    return tap;
  }

  private async discover(position: 'LATEST' | 'TRIM_HORIZON'): Promise<void> {
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(new DescribeStreamCommand({ StreamArn: this.arn, ExclusiveStartShardId: start }));
      for (const shard of StreamDescription?.Shards ?? []) {
        const id = shard.ShardId!;
        if (this.iterators.has(id) || this.done.has(id)) continue;
        // At open, closed shards hold only the past; a shard that appears later is all new.
        if (position === 'LATEST' && shard.SequenceNumberRange?.EndingSequenceNumber) {
          this.done.add(id);
          continue;
        }
        const { ShardIterator } = await this.streams.send(new GetShardIteratorCommand({ StreamArn: this.arn, ShardId: id, ShardIteratorType: position }));
        if (ShardIterator) this.iterators.set(id, ShardIterator);
        else this.done.add(id);
      }
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
  }

  /** Every record written since the last drain. */
  async drain(): Promise<_Record[]> {
    await this.discover('TRIM_HORIZON');
    const records: _Record[] = [];
    for (const [id, start] of [...this.iterators]) {
      let iterator: string | undefined = start;
      for (;;) {
        const page: { Records?: _Record[]; NextShardIterator?: string } = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        records.push(...(page.Records ?? []));
        iterator = page.NextShardIterator;
        if (!iterator || (page.Records ?? []).length === 0) break;
      }
      if (iterator) this.iterators.set(id, iterator);
      else {
        this.iterators.delete(id);
        this.done.add(id);
      }
    }
    return records;
  }

  /** The records of the items named by `keys` written since the last drain (waits up to 100 ms for the last ones). */
  async recordsOf(keys: ReadonlySet<string>): Promise<_Record[]> {
    const mine: _Record[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      mine.push(...(await this.drain()).filter((r) => keys.has(keyString(r.dynamodb?.Keys as Key | undefined) ?? '')));
      const seen = new Set(mine.map((r) => keyString(r.dynamodb?.Keys as Key | undefined)));
      if ([...keys].every((key) => seen.has(key))) break; // a write that changed nothing makes no record: stop waiting after 100 ms
    }
    return mine;
  }

  close(): void {
    this.streams.destroy();
  }
}

/** DynamoDB's item size: attribute names plus values (numbers approximated by their digits). */
function itemSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') return Math.ceil(String(value).replace(/[-.]/g, '').length / 2) + 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce<number>((sum, v) => sum + itemSize(v), 0);
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, v) => sum + 1 + itemSize(v), 0);
  if (typeof value === 'object') return 3 + Object.entries(value).reduce((sum, [name, v]) => sum + 1 + Buffer.byteLength(name) + itemSize(v), 0);
  return 1;
}
const topLevelSize = (item: Record<string, unknown>) => itemSize(item) - 3;

/** What the consumers make of one record; nothing here writes. */
async function summarize(raw: _Record): Promise<WrittenRecord> {
  // The SDK's record and Lambda's differ only in types (a binary is bytes here, base64 in Lambda's JSON).
  const record = raw as unknown as DynamoDBRecord;
  const eventName = raw.eventName as WrittenRecord['eventName'];
  const image = eventName === 'REMOVE' ? raw.dynamodb?.OldImage : raw.dynamodb?.NewImage;
  const item = image ? unmarshall(image as Parameters<typeof unmarshall>[0]) : {};
  const entityType = String(item.entityType ?? 'unknown');
  const consumers = STREAM_CONSUMERS.filter((c) => passes(c, entityType, eventName)).map((c) => c.name);
  let auditEntryBytes = 0;
  if (consumers.includes(AUDIT_CONSUMER.name)) {
    try {
      // The entry is the change plus its chain fields: seq, two hashes, the day, two expiries and its keys.
      auditEntryBytes = topLevelSize(changeOf(record, () => new Date().toISOString()) as unknown as Record<string, unknown>) + 230;
    } catch {
      auditEntryBytes = 0; // an unattributable record goes to the consumer's failure destination
    }
  }
  let metricDays = 0;
  if (consumers.includes(METRICS_CONSUMER.name)) {
    try {
      metricDays = incrementsOf(record).length;
    } catch {
      metricDays = 0;
    }
  }
  const partnerEvents = consumers.includes(PARTNER_EVENTS_CONSUMER.name)
    ? (await eventsOf(record, { partnerShipment: partnerShipmentOf })).map((e) => ({
        type: e.type,
        payloadBytes: Buffer.byteLength(JSON.stringify({ type: e.type, timestamp: e.at, data: e.data })),
        audience: 'partnerId' in e.audience ? 'its partner' : `partners with ${e.audience.scope}`,
      }))
    : [];
  return { entityType, eventName, itemBytes: topLevelSize(item), consumers, auditEntryBytes, metricDays, partnerEvents };
}

/** Lambda's event filter of a consumer (entity types, kinds of change), as the CDK and the local poller apply it. */
function passes(consumer: StreamConsumerDefinition, entityType: string, eventName: string): boolean {
  if (consumer.eventNames && !consumer.eventNames.includes(eventName as never)) return false;
  if (consumer.entityTypes) return consumer.entityTypes.includes(entityType);
  return !consumer.excludeEntityTypes.includes(entityType);
}
