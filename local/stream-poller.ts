import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record,
  type AttributeValue as SdkAttributeValue,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { DERIVED_ENTITY_TYPES } from '../functions/shared/schema/tables';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient } from './dynamodb';
import { lambdaContext, LOCAL_ACCOUNT_ID } from './http-events';
import { readJsonFile, writeFileAtomic } from './paths';

/**
 * Lambda's DynamoDB event source mapping, locally: polls the table's stream on DynamoDB Local
 * (DescribeStream → GetShardIterator → GetRecords, parents before children) and invokes each
 * registered consumer with Lambda's semantics — batch size, event filtering by entity type,
 * ReportBatchItemFailures, bounded retries, bisect on error and an on-failure destination
 * (`<stateDir>/failures/<consumer>.jsonl`, one message per failed batch like an SQS DLQ).
 * Each consumer keeps its own checkpoint per shard in `<stateDir>/stream-checkpoints.json`, so a
 * restart resumes after the last record it finished with. Delivery is at least once.
 */

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void | undefined | null>;

export interface StreamFilter {
  /** Only these entity types reach the consumer. */
  entityTypes?: readonly string[];
  /** These never reach it; defaults to DERIVED_ENTITY_TYPES so consumers never feed themselves. */
  excludeEntityTypes?: readonly string[];
  /** Only these kinds of change reach the consumer (default: all). */
  eventNames?: readonly string[];
}

/** What the on-failure destination receives, shaped like Lambda's stream failure record plus the records. */
export interface FailureMessage {
  version: '1.0';
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: 'RetryAttemptsExhausted'; approximateInvokeCount: number };
  responseContext: { statusCode: number; executedVersion: string; functionError: 'Unhandled' | 'PartialBatchFailure' };
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
  /** Local addition: the error of the last attempt, and the records themselves. */
  error: string;
  records: DynamoDBRecord[];
}

export interface StreamConsumer {
  /** Names the consumer's checkpoint and failure file. */
  name: string;
  handler: StreamHandler;
  /** Records per invocation, at most (Lambda: 1–10,000; default 100). */
  batchSize?: number;
  filter?: StreamFilter;
  /** Retries of a failing batch before it goes to the failure destination (default 3). */
  maxRetries?: number;
  /** Split a failing batch in two and retry the halves (default true); splits do not count as retries. */
  bisectOnError?: boolean;
  /**
   * Batches of one shard delivered at once (Lambda's ParallelizationFactor, 1–10; default 1). Records
   * are spread over that many lanes by partition key, so one key's records stay in order in one lane.
   */
  parallelizationFactor?: number;
  /** `file` (default): append to `failures/<name>.jsonl`; a function: call it; `discard`: drop. */
  onFailure?: 'file' | 'discard' | ((message: FailureMessage) => void | Promise<void>);
  /** Where a consumer without a checkpoint starts (default TRIM_HORIZON: everything still in the stream). */
  startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Function timeout of one invocation (default 60 s). */
  timeoutMs?: number;
}

export interface StreamPollerOptions {
  /** DynamoDB Local's endpoint (loopback only). */
  endpoint: string;
  tableName: string;
  /** Holds `stream-checkpoints.json` and `failures/`. */
  stateDir: string;
  /** Pause between polls when the stream has nothing new (default 250 ms). */
  pollIntervalMs?: number;
  /** First retry delay; doubles per retry, at most 5 s (default 200 ms). */
  retryBaseDelayMs?: number;
  log?: (message: string) => void;
}

interface ShardCheckpoint {
  /** The last record this consumer finished with (delivered, filtered out or sent to the failure destination). */
  sequenceNumber?: string;
  /** The shard is closed and fully read. */
  finished?: boolean;
}

interface ConsumerCheckpoint {
  streamArn: string;
  shards: Record<string, ShardCheckpoint>;
}

type Checkpoints = Record<string, ConsumerCheckpoint>;

interface ConsumerState {
  consumer: Required<Omit<StreamConsumer, 'filter' | 'onFailure'>> & Pick<StreamConsumer, 'onFailure'> & { filter: StreamFilter };
  iterators: Map<string, string>;
  rounds: number;
  waiters: Array<{ afterRound: number; resolve: () => void }>;
  loop?: Promise<void>;
}

type Outcome = { kind: 'ok' } | { kind: 'partial'; firstFailed: number } | { kind: 'error'; error: string };

const CHECKPOINT_FILE = 'stream-checkpoints.json';
const MAX_RETRY_DELAY_MS = 5_000;

/** Converts the SDK's attribute values to the JSON form Lambda delivers (binary as base64). */
function toLambdaValue(value: SdkAttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  return { NULL: true };
}

function toLambdaImage(image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaValue(value)]));
}

export function toLambdaRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const data = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: LOCAL_REGION,
    dynamodb: {
      ...(data.ApproximateCreationDateTime ? { ApproximateCreationDateTime: Math.floor(data.ApproximateCreationDateTime.getTime() / 1000) } : {}),
      ...(data.Keys ? { Keys: toLambdaImage(data.Keys) } : {}),
      ...(data.NewImage ? { NewImage: toLambdaImage(data.NewImage) } : {}),
      ...(data.OldImage ? { OldImage: toLambdaImage(data.OldImage) } : {}),
      SequenceNumber: data.SequenceNumber,
      SizeBytes: data.SizeBytes,
      StreamViewType: data.StreamViewType,
    },
    eventSourceARN: streamArn,
    ...(record.userIdentity ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } } : {}),
  };
}

function entityTypeOf(record: DynamoDBRecord): string | undefined {
  return record.dynamodb?.NewImage?.entityType?.S ?? record.dynamodb?.OldImage?.entityType?.S;
}

/**
 * Lambda event filtering on `entityType` (of the new image, or the old one for removals) and `eventName`.
 * A record without an entity type matches no pattern, so it is filtered out.
 */
export function passesFilter(record: DynamoDBRecord, filter: StreamFilter): boolean {
  const type = entityTypeOf(record);
  if (type === undefined) return false;
  if (filter.eventNames && !filter.eventNames.includes(record.eventName ?? '')) return false;
  if (filter.entityTypes && !filter.entityTypes.includes(type)) return false;
  const excluded = filter.excludeEntityTypes ?? DERIVED_ENTITY_TYPES;
  return !excluded.includes(type);
}

/** The partition key of a record, as Lambda spreads a shard over concurrent batches by it. */
function partitionKeyOf(record: DynamoDBRecord): string {
  return JSON.stringify(record.dynamodb?.Keys?.pk ?? record.dynamodb?.Keys ?? null);
}

/** Records spread over `count` lanes by partition key (FNV-1a), each lane in stream order; empty lanes dropped. */
export function lanesOf(records: readonly DynamoDBRecord[], count: number): DynamoDBRecord[][] {
  const lanes: DynamoDBRecord[][] = Array.from({ length: count }, () => []);
  for (const record of records) {
    let hash = 0x811c9dc5;
    for (const char of partitionKeyOf(record)) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
    lanes[hash % count]!.push(record);
  }
  return lanes.filter((lane) => lane.length > 0);
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export class StreamPoller {
  private readonly streams: DynamoDBStreamsClient;
  private readonly dynamo: DynamoDBClient;
  private readonly consumers = new Map<string, ConsumerState>();
  private readonly checkpointPath: string;
  private readonly failureDir: string;
  private checkpoints: Checkpoints;
  private running = false;
  private wake = new Set<() => void>();
  private streamArn?: string;

  constructor(private readonly options: StreamPollerOptions) {
    this.dynamo = localDynamoClient(options.endpoint);
    this.streams = new DynamoDBStreamsClient({ endpoint: options.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    this.checkpointPath = join(options.stateDir, CHECKPOINT_FILE);
    this.failureDir = join(options.stateDir, 'failures');
    this.checkpoints = readJsonFile<Checkpoints>(this.checkpointPath) ?? {};
  }

  /** Adds a consumer (an event source mapping); it starts polling at once when the poller runs. */
  register(consumer: StreamConsumer): void {
    if (this.consumers.has(consumer.name)) throw new Error(`A stream consumer named ${consumer.name} is already registered`);
    if (!/^[A-Za-z0-9_.-]+$/.test(consumer.name)) throw new Error(`Invalid consumer name ${consumer.name}`);
    const batchSize = consumer.batchSize ?? 100;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new Error('batchSize must be 1–10000');
    const parallelizationFactor = consumer.parallelizationFactor ?? 1;
    if (!Number.isInteger(parallelizationFactor) || parallelizationFactor < 1 || parallelizationFactor > 10) throw new Error('parallelizationFactor must be 1–10');
    const state: ConsumerState = {
      consumer: {
        name: consumer.name,
        handler: consumer.handler,
        batchSize,
        filter: consumer.filter ?? {},
        maxRetries: consumer.maxRetries ?? 3,
        bisectOnError: consumer.bisectOnError ?? true,
        parallelizationFactor,
        onFailure: consumer.onFailure ?? 'file',
        startingPosition: consumer.startingPosition ?? 'TRIM_HORIZON',
        timeoutMs: consumer.timeoutMs ?? 60_000,
      },
      iterators: new Map(),
      rounds: 0,
      waiters: [],
    };
    this.consumers.set(consumer.name, state);
    if (this.running) state.loop = this.run(state);
  }

  get consumerNames(): string[] {
    return [...this.consumers.keys()];
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const state of this.consumers.values()) state.loop = this.run(state);
  }

  /** Stops polling after the invocations in flight; records not yet checkpointed are delivered again next time. */
  async stop(): Promise<void> {
    this.running = false;
    for (const wake of this.wake) wake();
    await Promise.all([...this.consumers.values()].map((state) => state.loop));
    for (const state of this.consumers.values()) {
      for (const waiter of state.waiters) waiter.resolve();
      state.waiters = [];
    }
  }

  /** Closes the SDK clients (after stop). */
  destroy(): void {
    this.streams.destroy();
    this.dynamo.destroy();
  }

  /** Resolves once every consumer has polled the whole stream, starting after this call, and found nothing new. */
  settled(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return Promise.all(
      [...this.consumers.values()].map(
        (state) => new Promise<void>((resolve) => state.waiters.push({ afterRound: state.rounds + 1, resolve })),
      ),
    ).then(() => undefined);
  }

  private log(message: string): void {
    this.options.log?.(message);
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake.add(done);
    });
  }

  private async currentStreamArn(): Promise<string> {
    if (this.streamArn) return this.streamArn;
    const { Table } = await this.dynamo.send(new DescribeTableCommand({ TableName: this.options.tableName }));
    if (!Table?.LatestStreamArn || !Table.StreamSpecification?.StreamEnabled) {
      throw new Error(`Table ${this.options.tableName} has no stream`);
    }
    this.streamArn = Table.LatestStreamArn;
    return this.streamArn;
  }

  private async listShards(streamArn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
      shards.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  private checkpointOf(name: string, streamArn: string): ConsumerCheckpoint {
    let checkpoint = this.checkpoints[name];
    if (!checkpoint || checkpoint.streamArn !== streamArn) {
      // A new stream (the table was recreated): earlier checkpoints mean nothing.
      checkpoint = { streamArn, shards: {} };
      this.checkpoints[name] = checkpoint;
    }
    return checkpoint;
  }

  /** Writes this poller's consumers' checkpoints, keeping other entries of the file as they are. */
  private saveCheckpoints(): void {
    const onDisk = readJsonFile<Checkpoints>(this.checkpointPath) ?? {};
    for (const name of this.consumers.keys()) {
      const checkpoint = this.checkpoints[name];
      if (checkpoint) onDisk[name] = checkpoint;
    }
    writeFileAtomic(this.checkpointPath, JSON.stringify(onDisk, null, 2));
  }

  private async run(state: ConsumerState): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const busy = await this.round(state);
        failures = 0;
        state.rounds += 1;
        if (!busy) {
          const ready = state.waiters.filter((w) => w.afterRound <= state.rounds);
          state.waiters = state.waiters.filter((w) => w.afterRound > state.rounds);
          for (const waiter of ready) waiter.resolve();
          await this.sleep(this.options.pollIntervalMs ?? 250);
        }
      } catch (error) {
        failures += 1;
        this.streamArn = undefined;
        state.iterators.clear();
        if (failures === 1 || failures % 20 === 0) this.log(`stream poller (${state.consumer.name}): ${errorText(error)}`);
        await this.sleep(Math.min(MAX_RETRY_DELAY_MS, 250 * failures));
      }
    }
  }

  /** One pass over every shard; true when anything was delivered or changed. */
  private async round(state: ConsumerState): Promise<boolean> {
    const streamArn = await this.currentStreamArn();
    const fresh = this.checkpoints[state.consumer.name]?.streamArn !== streamArn;
    const checkpoint = this.checkpointOf(state.consumer.name, streamArn);
    const shards = await this.listShards(streamArn);
    const known = new Set(shards.map((s) => s.ShardId));
    let busy = false;
    for (const shard of shards) {
      if (!this.running) break;
      const shardId = shard.ShardId!;
      const position = (checkpoint.shards[shardId] ??= {});
      if (position.finished) continue;
      // Parents first: a child shard waits until its parent is read to the end.
      const parent = shard.ParentShardId;
      if (parent && known.has(parent) && !checkpoint.shards[parent]?.finished) continue;
      if (fresh && state.consumer.startingPosition === 'LATEST') {
        if (shard.SequenceNumberRange?.EndingSequenceNumber) {
          position.finished = true;
          continue;
        }
        const latest = await this.iterator(streamArn, shardId, undefined, 'LATEST');
        if (latest) state.iterators.set(shardId, latest);
      }
      if (await this.pollShard(state, streamArn, shardId, position)) busy = true;
    }
    for (const shardId of Object.keys(checkpoint.shards)) {
      // Shards trimmed from the stream are forgotten.
      if (!known.has(shardId)) delete checkpoint.shards[shardId];
    }
    return busy;
  }

  private async iterator(streamArn: string, shardId: string, after: string | undefined, start: 'TRIM_HORIZON' | 'LATEST'): Promise<string | undefined> {
    if (after) {
      try {
        const { ShardIterator } = await this.streams.send(
          new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
        );
        return ShardIterator;
      } catch (error) {
        if (!(error instanceof TrimmedDataAccessException)) throw error;
        this.log(`stream poller: records after ${after} in ${shardId} were trimmed; starting at the oldest record`);
      }
    }
    const { ShardIterator } = await this.streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: start }),
    );
    return ShardIterator;
  }

  /** Reads one shard until it has nothing new; true when records were read or the shard closed. */
  private async pollShard(state: ConsumerState, streamArn: string, shardId: string, position: ShardCheckpoint): Promise<boolean> {
    let busy = false;
    let iterator = state.iterators.get(shardId) ?? (await this.iterator(streamArn, shardId, position.sequenceNumber, 'TRIM_HORIZON'));
    while (this.running && iterator) {
      let page;
      try {
        page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      } catch (error) {
        if (error instanceof ExpiredIteratorException) {
          state.iterators.delete(shardId);
          return busy;
        }
        throw error;
      }
      const records = page.Records ?? [];
      if (records.length > 0) {
        busy = true;
        const completed = await this.deliverPage(state, streamArn, shardId, records, position);
        if (!completed) {
          // Stopped mid-page: resume from the checkpoint next time.
          state.iterators.delete(shardId);
          return busy;
        }
      }
      iterator = page.NextShardIterator;
      if (!iterator) {
        position.finished = true;
        state.iterators.delete(shardId);
        this.saveCheckpoints();
        return true;
      }
      state.iterators.set(shardId, iterator);
      if (records.length === 0) break;
    }
    return busy;
  }

  /**
   * Filters a page and delivers it in batches; false if stopped before the end. With one lane the
   * checkpoint follows each batch; with several, the lanes' batches run at once and the page is
   * checkpointed when every lane is through it (a restart redelivers the page: delivery is at least once).
   */
  private async deliverPage(
    state: ConsumerState,
    streamArn: string,
    shardId: string,
    raw: _Record[],
    position: ShardCheckpoint,
  ): Promise<boolean> {
    const { batchSize, filter, parallelizationFactor } = state.consumer;
    const records = raw.map((r) => toLambdaRecord(r, streamArn));
    const kept = records.map((record, index) => ({ record, index })).filter(({ record }) => passesFilter(record, filter));
    if (parallelizationFactor > 1 && kept.length > batchSize) {
      const lanes = lanesOf(kept.map((k) => k.record), parallelizationFactor);
      const delivered = await Promise.all(
        lanes.map(async (lane) => {
          for (let start = 0; start < lane.length; start += batchSize) {
            if (!(await this.deliverBatch(state, shardId, streamArn, lane.slice(start, start + batchSize)))) return false;
          }
          return true;
        }),
      );
      if (delivered.includes(false)) return false;
      position.sequenceNumber = records[records.length - 1]!.dynamodb!.SequenceNumber!;
      this.saveCheckpoints();
      return true;
    }
    for (let start = 0; start < kept.length; start += batchSize) {
      const batch = kept.slice(start, start + batchSize);
      if (!(await this.deliverBatch(state, shardId, streamArn, batch.map((k) => k.record)))) return false;
      // Covered: everything up to the record before the next batch's first one (filtered records included).
      const next = kept[start + batchSize];
      const lastCovered = next ? records[next.index - 1]! : records[records.length - 1]!;
      position.sequenceNumber = lastCovered.dynamodb!.SequenceNumber!;
      this.saveCheckpoints();
    }
    if (kept.length === 0) {
      position.sequenceNumber = records[records.length - 1]!.dynamodb!.SequenceNumber!;
      this.saveCheckpoints();
    }
    return true;
  }

  private async invoke(state: ConsumerState, records: DynamoDBRecord[]): Promise<Outcome> {
    const { handler, name, timeoutMs } = state.consumer;
    // Each invocation gets its own copy, as a Lambda gets its own deserialized event.
    const event: DynamoDBStreamEvent = { Records: structuredClone(records) };
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Task timed out after ${timeoutMs} ms`)), timeoutMs);
      });
      const response = await Promise.race([handler(event, lambdaContext(`local-${name}`, timeoutMs)), timeout]);
      const failures = (response as DynamoDBBatchResponse | null | undefined)?.batchItemFailures;
      if (failures === undefined || failures === null || (Array.isArray(failures) && failures.length === 0)) return { kind: 'ok' };
      if (!Array.isArray(failures)) return { kind: 'error', error: 'Invalid batchItemFailures in the response' };
      // ReportBatchItemFailures: retry from the lowest failed sequence number; an unknown identifier fails the batch.
      let firstFailed = Number.POSITIVE_INFINITY;
      for (const failure of failures) {
        const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
        const index = typeof id === 'string' && id !== '' ? records.findIndex((r) => r.dynamodb?.SequenceNumber === id) : -1;
        if (index < 0) return { kind: 'error', error: `Invalid itemIdentifier ${JSON.stringify(id)} in batchItemFailures` };
        firstFailed = Math.min(firstFailed, index);
      }
      return { kind: 'partial', firstFailed };
    } catch (error) {
      return { kind: 'error', error: errorText(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Delivers one batch until every record succeeded or went to the failure destination.
   * Returns false when the poller stopped first.
   */
  private async deliverBatch(state: ConsumerState, shardId: string, streamArn: string, batch: DynamoDBRecord[]): Promise<boolean> {
    const { maxRetries, bisectOnError } = state.consumer;
    const queue: Array<{ records: DynamoDBRecord[]; attempts: number; invocations: number }> = [{ records: batch, attempts: 0, invocations: 0 }];
    while (queue.length > 0) {
      if (!this.running) return false;
      const item = queue.shift()!;
      const outcome = await this.invoke(state, item.records);
      item.invocations += 1;
      if (outcome.kind === 'ok') continue;

      const failed = outcome.kind === 'partial' ? item.records.slice(outcome.firstFailed) : item.records;
      if (outcome.kind === 'error' && bisectOnError && failed.length > 1) {
        // Splitting does not count as a retry.
        const half = Math.ceil(failed.length / 2);
        queue.unshift(
          { records: failed.slice(0, half), attempts: item.attempts, invocations: 0 },
          { records: failed.slice(half), attempts: item.attempts, invocations: 0 },
        );
        continue;
      }
      if (maxRetries >= 0 && item.attempts >= maxRetries) {
        const error = outcome.kind === 'error' ? outcome.error : 'The function reported the records as failed (batchItemFailures)';
        await this.sendToFailureDestination(state, shardId, streamArn, failed, item.invocations, outcome.kind, error);
        continue;
      }
      await this.sleep(Math.min(MAX_RETRY_DELAY_MS, (this.options.retryBaseDelayMs ?? 200) * 2 ** item.attempts));
      queue.unshift({ records: failed, attempts: item.attempts + 1, invocations: item.invocations });
    }
    return true;
  }

  private async sendToFailureDestination(
    state: ConsumerState,
    shardId: string,
    streamArn: string,
    records: DynamoDBRecord[],
    invocations: number,
    kind: 'partial' | 'error',
    error: string,
  ): Promise<void> {
    const first = records[0]!.dynamodb!;
    const last = records[records.length - 1]!.dynamodb!;
    const arrival = (seconds: number | undefined) => new Date((seconds ?? 0) * 1000).toISOString();
    const message: FailureMessage = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: randomUUID(),
        functionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:local-${state.consumer.name}`,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: invocations,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: kind === 'error' ? 'Unhandled' : 'PartialBatchFailure' },
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: first.SequenceNumber!,
        endSequenceNumber: last.SequenceNumber!,
        approximateArrivalOfFirstRecord: arrival(first.ApproximateCreationDateTime),
        approximateArrivalOfLastRecord: arrival(last.ApproximateCreationDateTime),
        batchSize: records.length,
        streamArn,
      },
      error,
      records,
    };
    this.log(
      `stream consumer ${state.consumer.name}: ${records.length} record(s) ${first.SequenceNumber}–${last.SequenceNumber} failed after ${invocations} attempt(s) (${error})`,
    );
    const destination = state.consumer.onFailure;
    if (destination === 'discard') return;
    if (typeof destination === 'function') {
      await destination(message);
      return;
    }
    mkdirSync(this.failureDir, { recursive: true });
    appendFileSync(join(this.failureDir, `${state.consumer.name}.jsonl`), `${JSON.stringify(message)}\n`);
  }
}

export function createStreamPoller(options: StreamPollerOptions): StreamPoller {
  return new StreamPoller(options);
}
