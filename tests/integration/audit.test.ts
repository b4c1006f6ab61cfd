import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteItemCommand,
  DeleteTableCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { changeOf } from '../../functions/audit/audit-entry';
import { recordChanges, verifyChain } from '../../functions/audit/audit-log';
import { SNAPSHOT_ENTRIES } from '../../functions/audit/audit-repository';
import { handler as consumer } from '../../functions/audit/consumer';
import { handler as auditHandler } from '../../functions/audit/handler';
import { auditRoutes } from '../../functions/audit/routes';
import { nowIso } from '../../functions/shared/clock';
import { auditKeys } from '../../functions/shared/keys';
import { newId } from '../../functions/shared/ids';
import { AUDIT_CONSUMER } from '../../functions/shared/schema/stream-consumers';
import { SINGLE_TABLE } from '../../functions/shared/schema/tables';
import { ensureTable, localDynamoClient } from '../../local/dynamodb';
import { createStreamPoller, type FailureMessage, type StreamPoller } from '../../local/stream-poller';
import { adminEvent, lambdaContext, parse, routeById } from '../support/lambda-events';
import { countRequests } from '../support/request-counter';
import { createStaff } from '../support/staff';

/**
 * The audit log against DynamoDB Local: the consumer fed by the local stream poller (Lambda's event
 * source mapping semantics) from a real stream, redelivery, concurrent writers, tampering, and the
 * read routes.
 */
jest.setTimeout(60_000);

const AUDIT_TABLE_NAME = process.env.AUDIT_TABLE_NAME!;
let client: DynamoDBClient;

beforeAll(() => {
  client = localDynamoClient(process.env.AWS_ENDPOINT_URL_DYNAMODB!);
});
afterAll(() => client.destroy());

// ---------------------------------------------------------------------------------------------
// Helpers

let clock = Date.now();
/** A write stamp; every stamp is one millisecond after the previous one, so times order the changes. */
const stampOf = (actor: string, requestId = `req-${newId()}`) => ({
  updatedAt: new Date((clock = Math.max(clock + 1, Date.now()))).toISOString(),
  updatedBy: actor,
  requestId,
  sourceIp: '198.51.100.7',
});

/** Every item of an audit partition (entries and head). */
async function auditPartition(pk: string): Promise<Record<string, unknown>[]> {
  const { Items } = await client.send(
    new QueryCommand({ TableName: AUDIT_TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: marshall({ ':pk': pk }), ConsistentRead: true }),
  );
  return (Items ?? []).map((item) => unmarshall(item));
}

async function entriesOf(entityType: string, entityId: string): Promise<Record<string, unknown>[]> {
  return (await auditPartition(auditKeys.entityPartition(entityType, entityId))).filter((item) => item.sk !== 'HEAD');
}

/** A stream record built by hand (for tests that need exact control over the batch). */
function streamRecord(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', oldItem?: Record<string, unknown>, newItem?: Record<string, unknown>): DynamoDBRecord {
  const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as unknown as Record<string, AttributeValue>;
  return {
    eventID: randomUUID(),
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: String(Date.now()) + String(Math.floor(Math.random() * 1e6)).padStart(6, '0'),
      ...(oldItem ? { OldImage: image(oldItem) } : {}),
      ...(newItem ? { NewImage: image(newItem) } : {}),
    },
  };
}

const productItem = (id: string, fields: Record<string, unknown>) => ({ pk: `PRODUCT#${id}`, sk: 'PRODUCT', entityType: 'product', id, ...fields });

/** A history of one product as hand-built records: create, two updates, soft delete. */
function productHistory(id: string, actor = 'staff:tester'): DynamoDBRecord[] {
  const v1 = productItem(id, { name: 'Mug', status: 'draft', version: 1, ...stampOf(actor) });
  const v2 = { ...v1, name: 'Big mug', version: 2, ...stampOf(actor) };
  const v3 = { ...v2, status: 'active', version: 3, ...stampOf(actor) };
  const v4 = { ...v3, deletedAt: new Date().toISOString(), deletedBy: actor, version: 4, ...stampOf(actor) };
  return [streamRecord('INSERT', undefined, v1), streamRecord('MODIFY', v1, v2), streamRecord('MODIFY', v2, v3), streamRecord('MODIFY', v3, v4)];
}

const invoke = (records: DynamoDBRecord[]) => consumer({ Records: structuredClone(records) }, lambdaContext('audit-consumer'));

// ---------------------------------------------------------------------------------------------

describe('the consumer behind the local stream poller (a real DynamoDB Local stream)', () => {
  let table: string;
  let stateDir: string;
  let poller: StreamPoller;
  const delivered: DynamoDBStreamEvent[] = [];

  beforeAll(async () => {
    table = `AuditSource-${randomUUID().slice(0, 8)}`;
    stateDir = mkdtempSync(join(tmpdir(), 'audit-poller-'));
    await ensureTable(client, SINGLE_TABLE, table);
  });

  afterAll(async () => {
    await poller?.stop();
    poller?.destroy();
    await client.send(new DeleteTableCommand({ TableName: table }));
    rmSync(stateDir, { recursive: true, force: true });
  });

  const p1 = newId();
  const p2 = newId();
  const staff = `staff:${newId()}`;

  async function put(item: Record<string, unknown>) {
    await client.send(new PutItemCommand({ TableName: table, Item: marshall(item, { removeUndefinedValues: true }) }));
  }
  async function update(pk: string, sk: string, set: Record<string, unknown>, remove: string[] = []) {
    const names = Object.fromEntries(Object.keys(set).map((k, i) => [`#s${i}`, k]));
    const values = Object.fromEntries(Object.values(set).map((v, i) => [`:s${i}`, v]));
    const removeNames = Object.fromEntries(remove.map((k, i) => [`#r${i}`, k]));
    const expression =
      `SET ${Object.keys(set).map((_, i) => `#s${i} = :s${i}`).join(', ')} ADD version :one` +
      (remove.length ? ` REMOVE ${remove.map((_, i) => `#r${i}`).join(', ')}` : '');
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: marshall({ pk, sk }),
        UpdateExpression: expression,
        ExpressionAttributeNames: { ...names, ...removeNames },
        ExpressionAttributeValues: marshall({ ...values, ':one': 1 }),
      }),
    );
  }

  it('records every change once, in order; a poison record goes to the failure destination and later records still land', async () => {
    await put({ ...productItem(p1, { name: 'Mug', status: 'draft', sku: 'A-1', secretHash: 'never-in-the-log' }), version: 1, ...stampOf(staff, 'req-create') });
    await put({ pk: 'UNIQUE#SKU#A-1', sk: 'UNIQUE', entityType: 'unique', ownerId: p1, ...stampOf(staff) }); // derived: filtered out
    await update(`PRODUCT#${p1}`, 'PRODUCT', { name: 'Big mug', ...stampOf(staff, 'req-rename') });
    await put({ pk: 'JUNK#1', sk: 'JUNK', entityType: 'Not A Type', ...stampOf(staff) }); // poison: names no valid entity
    await put({ ...productItem(p2, { name: 'Cap', status: 'draft' }), version: 1, ...stampOf('partner:shop') });
    const deletedAt = new Date().toISOString();
    await update(`PRODUCT#${p1}`, 'PRODUCT', { deletedAt, deletedBy: staff, ...stampOf(staff, 'req-delete') });
    await update(`PRODUCT#${p1}`, 'PRODUCT', stampOf(`staff:restorer`, 'req-restore'), ['deletedAt', 'deletedBy']);
    await update(`PRODUCT#${p2}`, 'PRODUCT', { status: 'active', ...stampOf('system:importer') });
    await client.send(new DeleteItemCommand({ TableName: table, Key: marshall({ pk: `PRODUCT#${p2}`, sk: 'PRODUCT' }) }));

    poller = createStreamPoller({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB!, tableName: table, stateDir, pollIntervalMs: 20, retryBaseDelayMs: 1 });
    poller.register({
      name: AUDIT_CONSUMER.name,
      batchSize: 4,
      maxRetries: 2,
      bisectOnError: AUDIT_CONSUMER.bisectOnError,
      filter: { excludeEntityTypes: AUDIT_CONSUMER.excludeEntityTypes },
      handler: async (event, context) => {
        delivered.push(structuredClone(event));
        return consumer(event, context);
      },
    });
    poller.start();
    await poller.settled();

    const first = await entriesOf('product', p1);
    expect(first.map((e) => [e.seq, e.action, e.actor, e.requestId])).toEqual([
      [1, 'create', staff, 'req-create'],
      [2, 'update', staff, 'req-rename'],
      [3, 'delete', staff, 'req-delete'],
      [4, 'restore', 'staff:restorer', 'req-restore'],
    ]);
    expect(first[1]!.changes).toEqual([{ field: 'name', before: 'Mug', after: 'Big mug' }]);
    expect(first[2]!.changes).toEqual([
      { field: 'deletedAt', before: null, after: deletedAt },
      { field: 'deletedBy', before: null, after: staff },
    ]);
    expect(first[0]!.changes).toContainEqual({ field: 'secretHash', before: null, after: '[redacted]' });
    expect(JSON.stringify(first)).not.toContain('never-in-the-log');

    const second = await entriesOf('product', p2);
    expect(second.map((e) => [e.seq, e.action, e.actor])).toEqual([
      [1, 'create', 'partner:shop'],
      [2, 'transition', 'system:importer'],
      [3, 'remove', 'system:importer'],
    ]);
    expect(second[2]!.changes).toContainEqual({ field: 'name', before: 'Cap', after: null });

    // Derived items never reach the consumer.
    expect(delivered.flatMap((e) => e.Records).some((r) => r.dynamodb?.NewImage?.entityType?.S === 'unique')).toBe(false);
    expect(await auditPartition(auditKeys.entityPartition('unique', 'SKU#A-1'))).toEqual([]);

    // The poison record: in the failure destination, with Lambda's failure-record shape.
    const file = join(stateDir, 'failures', `${AUDIT_CONSUMER.name}.jsonl`);
    expect(existsSync(file)).toBe(true);
    const failures = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as FailureMessage);
    const failedRecords = failures.flatMap((f) => f.records);
    expect(failedRecords.map((r) => r.dynamodb?.NewImage?.entityType?.S)).toContain('Not A Type');
    expect(failures.every((f) => f.requestContext.condition === 'RetryAttemptsExhausted')).toBe(true);

    await expect(verifyChain('product', p1)).resolves.toEqual({ ok: true, entries: 4, headHash: first[3]!.hash });
    await expect(verifyChain('product', p2)).resolves.toMatchObject({ ok: true, entries: 3 });
  });

  it('redelivering every batch, again and concurrently, changes nothing', async () => {
    const partitions = [auditKeys.entityPartition('product', p1), auditKeys.entityPartition('product', p2)];
    const before = await Promise.all(partitions.map(auditPartition));
    const eventIds = delivered.flatMap((e) => e.Records.map((r) => r.eventID!));
    const markersBefore = await Promise.all(eventIds.map((id) => auditPartition(auditKeys.event(id).pk)));

    for (const event of delivered) {
      let failedIds: string[];
      try {
        failedIds = (await consumer(structuredClone(event), lambdaContext())).batchItemFailures.map((f) => f.itemIdentifier);
      } catch {
        // Every record failed (Powertools throws then, so Lambda can bisect).
        failedIds = event.Records.map((r) => r.dynamodb!.SequenceNumber!);
      }
      // Only the poison record fails again.
      const failed = event.Records.filter((r) => failedIds.includes(r.dynamodb!.SequenceNumber!));
      expect(failed.map((r) => r.dynamodb?.NewImage?.entityType?.S ?? null).filter((type) => type !== 'Not A Type')).toEqual([]);
    }
    await Promise.all(delivered.map((event) => consumer(structuredClone(event), lambdaContext()).catch(() => undefined)));

    expect(await Promise.all(partitions.map(auditPartition))).toEqual(before);
    expect(await Promise.all(eventIds.map((id) => auditPartition(auditKeys.event(id).pk)))).toEqual(markersBefore);
    await expect(verifyChain('product', p1)).resolves.toMatchObject({ ok: true, entries: 4 });
  });
});

describe('concurrent and retried writers', () => {
  it('two invocations of the same new batch at once still give one entry per change, seq 1..n', async () => {
    const id = newId();
    const history = productHistory(id);
    const results = await Promise.all([invoke(history), invoke(history), invoke(history)]);
    for (const result of results) expect(result.batchItemFailures).toEqual([]);
    const entries = await entriesOf('product', id);
    expect(entries.map((e) => [e.seq, e.action])).toEqual([
      [1, 'create'],
      [2, 'update'],
      [3, 'transition'],
      [4, 'delete'],
    ]);
    expect(new Set(entries.map((e) => e.eventId)).size).toBe(4);
    await expect(verifyChain('product', id)).resolves.toMatchObject({ ok: true, entries: 4 });
  });

  it('a failing change holds back the later changes of its entity in the batch, not the others', async () => {
    const stuck = newId();
    const other = newId();
    // A stray item where the stuck entity's first entry would go: its appends conflict every time.
    await client.send(new PutItemCommand({ TableName: AUDIT_TABLE_NAME, Item: marshall({ ...auditKeys.entry('product', stuck, 1), stray: true }) }));
    const history = productHistory(stuck);
    const unattributable = streamRecord('INSERT', undefined, productItem('x'.repeat(600), { name: 'bad', ...stampOf('staff:t') }));
    const otherCreate = streamRecord('INSERT', undefined, productItem(other, { name: 'Other', ...stampOf('staff:t') }));
    const response = await invoke([history[0]!, unattributable, otherCreate, history[1]!]);
    expect(response.batchItemFailures).toEqual(
      [history[0]!, unattributable, history[1]!].map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber })),
    );
    expect((await entriesOf('product', other)).map((e) => e.seq)).toEqual([1]);
    expect(await entriesOf('product', stuck)).toEqual([expect.objectContaining({ stray: true })]);
  });
});

describe('a batch split into chains', () => {
  /** `count` versions of one product, as stream records in order. */
  function versionsOf(id: string, count: number): DynamoDBRecord[] {
    const versions = Array.from({ length: count }, (_, i) => productItem(id, { name: `Mug ${i + 1}`, status: 'draft', version: i + 1, ...stampOf('staff:tester') }));
    return versions.map((v, i) => (i === 0 ? streamRecord('INSERT', undefined, v) : streamRecord('MODIFY', versions[i - 1], v)));
  }

  it('interleaved entities each get their changes in stream order, once, in three requests; delivered again three times at once, nothing changes', async () => {
    const ids = Array.from({ length: 12 }, () => newId());
    const histories = ids.map((id) => versionsOf(id, 5));
    // Round-robin: every entity's changes are spread over the whole batch.
    const batch = Array.from({ length: 5 }, (_, v) => histories.map((h) => h[v]!)).flat();
    const counter = countRequests();
    counter.reset();
    expect((await invoke(batch)).batchItemFailures).toEqual([]);
    // Every chain's state in one read; 12 chains of 11 actions each, 9 to a transaction.
    expect(counter.commands()).toEqual(['BatchGetItem', 'TransactWriteItems', 'TransactWriteItems']);
    const results = await Promise.all([invoke(batch), invoke(batch), invoke(batch.slice(20))]);
    for (const result of results) expect(result.batchItemFailures).toEqual([]);
    for (const [i, id] of ids.entries()) {
      const entries = await entriesOf('product', id);
      expect(entries.map((e) => [e.seq, e.eventId])).toEqual(histories[i]!.map((r, v) => [v + 1, r.eventID]));
      await expect(verifyChain('product', id)).resolves.toMatchObject({ ok: true, entries: 5 });
    }
  });

  it('a new batch of interleaved entities delivered three times at once still gives each entity its changes in order, once', async () => {
    const ids = Array.from({ length: 12 }, () => newId());
    const histories = ids.map((id) => versionsOf(id, 5));
    const batch = Array.from({ length: 5 }, (_, v) => histories.map((h) => h[v]!)).flat();
    const results = await Promise.all([invoke(batch), invoke(batch), invoke(batch)]);
    for (const result of results) expect(result.batchItemFailures).toEqual([]);
    for (const [i, id] of ids.entries()) {
      expect((await entriesOf('product', id)).map((e) => [e.seq, e.eventId])).toEqual(histories[i]!.map((r, v) => [v + 1, r.eventID]));
      await expect(verifyChain('product', id)).resolves.toMatchObject({ ok: true, entries: 5 });
    }
  });

  it("a long run of one entity's changes is appended in few transactions, and a redelivery of part of it appends only the rest", async () => {
    const counter = countRequests();
    const id = newId();
    const records = versionsOf(id, 120);
    // The first 30 were recorded by an earlier, interrupted invocation.
    expect((await invoke(records.slice(0, 30))).batchItemFailures).toEqual([]);
    counter.reset();
    expect((await invoke(records)).batchItemFailures).toEqual([]);
    // 90 new entries: 49 + 41 per transaction; the state of 120 events, head and holds in two BatchGetItem pages.
    expect(counter.commands()).toEqual(['BatchGetItem', 'BatchGetItem', 'TransactWriteItems', 'TransactWriteItems']);
    const entries = await entriesOf('product', id);
    expect(entries.map((e) => e.eventId)).toEqual(records.map((r) => r.eventID));
    await expect(verifyChain('product', id)).resolves.toMatchObject({ ok: true, entries: 120 });
  });
});

describe('tamper evidence', () => {
  async function chain(): Promise<string> {
    const id = newId();
    expect((await invoke(productHistory(id))).batchItemFailures).toEqual([]);
    await expect(verifyChain('product', id)).resolves.toMatchObject({ ok: true, entries: 4 });
    return id;
  }
  const entryKey = (id: string, seq: number) => marshall(auditKeys.entry('product', id, seq));

  it('an entry changed in place → verify names its sequence number', async () => {
    const id = await chain();
    await client.send(
      new UpdateItemCommand({
        TableName: AUDIT_TABLE_NAME,
        Key: entryKey(id, 2),
        UpdateExpression: 'SET actor = :someone',
        ExpressionAttributeValues: marshall({ ':someone': 'staff:someone-else' }),
      }),
    );
    await expect(verifyChain('product', id)).resolves.toEqual({ ok: false, brokenAt: 2, reason: 'hash-mismatch' });
  });

  it('an entry rewritten with a recomputed hash → the next entry no longer links to it', async () => {
    const id = await chain();
    const [entry] = (await entriesOf('product', id)).filter((e) => e.seq === 2);
    const { chainHash } = await import('../../functions/audit/audit-entry');
    const forged = { ...entry!, changes: [{ field: 'name', before: 'Mug', after: 'Forged' }] } as never as Parameters<typeof chainHash>[1] & Record<string, unknown>;
    forged.hash = chainHash(String(entry!.prevHash), forged);
    await client.send(new PutItemCommand({ TableName: AUDIT_TABLE_NAME, Item: marshall(forged, { removeUndefinedValues: true }) }));
    await expect(verifyChain('product', id)).resolves.toEqual({ ok: false, brokenAt: 3, reason: 'hash-mismatch' });
  });

  it('an entry deleted in the middle → verify names the missing sequence number', async () => {
    const id = await chain();
    await client.send(new DeleteItemCommand({ TableName: AUDIT_TABLE_NAME, Key: entryKey(id, 3) }));
    await expect(verifyChain('product', id)).resolves.toEqual({ ok: false, brokenAt: 3, reason: 'missing-entry' });
  });

  it('the last entry deleted → the chain head still names it', async () => {
    const id = await chain();
    await client.send(new DeleteItemCommand({ TableName: AUDIT_TABLE_NAME, Key: entryKey(id, 4) }));
    const counter = countRequests();
    counter.reset();
    await expect(verifyChain('product', id)).resolves.toEqual({ ok: false, brokenAt: 4, reason: 'missing-entry' });
    // The head ahead of the entries read: read on past the last one (an append may have landed) before judging.
    expect(counter.commands()).toEqual(['Query', 'Query']);
  });

  it('a short chain is one Query (head and entries, newest first); a longer one is paged from its start after it', async () => {
    const counter = countRequests();
    const id = await chain();
    counter.reset();
    await expect(verifyChain('product', id)).resolves.toMatchObject({ ok: true, entries: 4 });
    expect(counter.commands()).toEqual(['Query']);

    const long = newId();
    const versions = Array.from({ length: SNAPSHOT_ENTRIES + 3 }, (_, i) => productItem(long, { name: `Mug ${i + 1}`, status: 'draft', version: i + 1, ...stampOf('staff:tester') }));
    const records = versions.map((v, i) => (i === 0 ? streamRecord('INSERT', undefined, v) : streamRecord('MODIFY', versions[i - 1], v)));
    expect((await invoke(records)).batchItemFailures).toEqual([]);
    counter.reset();
    await expect(verifyChain('product', long)).resolves.toMatchObject({ ok: true, entries: SNAPSHOT_ENTRIES + 3 });
    expect(counter.commands()[0]).toBe('Query');
    expect(counter.commands().every((c) => c === 'Query')).toBe(true);
    await client.send(
      new UpdateItemCommand({
        TableName: AUDIT_TABLE_NAME,
        Key: entryKey(long, 3),
        UpdateExpression: 'SET actor = :someone',
        ExpressionAttributeValues: marshall({ ':someone': 'staff:someone-else' }),
      }),
    );
    await expect(verifyChain('product', long)).resolves.toEqual({ ok: false, brokenAt: 3, reason: 'hash-mismatch' });
    await client.send(new DeleteItemCommand({ TableName: AUDIT_TABLE_NAME, Key: entryKey(long, SNAPSHOT_ENTRIES + 3) }));
    await client.send(new DeleteItemCommand({ TableName: AUDIT_TABLE_NAME, Key: entryKey(long, 3) }));
    await expect(verifyChain('product', long)).resolves.toEqual({ ok: false, brokenAt: 3, reason: 'missing-entry' });
  }, 60_000);

  it('the verify route answers the same over HTTP', async () => {
    const id = await chain();
    await client.send(new DeleteItemCommand({ TableName: AUDIT_TABLE_NAME, Key: entryKey(id, 1) }));
    const auditor = await createStaff(['auditor']);
    const res = parse(
      await auditHandler(
        adminEvent(routeById(auditRoutes, 'verifyAuditChain'), { staffId: auditor, query: { entityType: 'product', entityId: id } }),
        lambdaContext(),
      ),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: false, brokenAt: 1, reason: 'missing-entry' });
  });
});

describe('legal hold and retention', () => {
  async function placeHold(pk: string) {
    await client.send(
      new PutItemCommand({
        TableName: AUDIT_TABLE_NAME,
        Item: marshall({ pk, sk: 'HOLD', reason: 'Case 42', placedBy: 'staff:counsel', placedAt: new Date().toISOString() }),
      }),
    );
  }

  it('entries expire after the retention period (7 years by default)', async () => {
    const id = newId();
    await invoke(productHistory(id).slice(0, 1));
    const [entry] = await entriesOf('product', id);
    const years = ((entry!.expiresAt as number) * 1000 - Date.parse(String(entry!.at))) / (365.25 * 24 * 3600 * 1000);
    expect(years).toBeCloseTo(7, 1);
    expect(entry!.legalHold).toBeUndefined();
  });

  it('entries removed by the retention period are not breaks; the same removal before their time is', async () => {
    const id = newId();
    // Entries that expire one second after their change.
    for (const r of productHistory(id)) await recordChanges([changeOf(r, nowIso)], { retentionDays: 1 / 86_400 });
    const entries = await entriesOf('product', id);
    expect(entries.map((e) => e.prevExpiresAt)).toEqual([null, entries[0]!.expiresAt, entries[1]!.expiresAt, entries[2]!.expiresAt]);
    const later = Date.now() + 60_000;
    const earlier = Date.now() - 60_000;

    // What DynamoDB's TTL does (DynamoDB Local never does it): the oldest entries go first.
    for (const seq of [1, 2]) await client.send(new DeleteItemCommand({ TableName: AUDIT_TABLE_NAME, Key: marshall(auditKeys.entry('product', id, seq)) }));
    await expect(verifyChain('product', id, later)).resolves.toMatchObject({ ok: true, entries: 2, expired: 2 });
    await expect(verifyChain('product', id, earlier)).resolves.toEqual({ ok: false, brokenAt: 1, reason: 'missing-entry' });

    // All of them gone: the head vouches for the latest expiry.
    for (const seq of [3, 4]) await client.send(new DeleteItemCommand({ TableName: AUDIT_TABLE_NAME, Key: marshall(auditKeys.entry('product', id, seq)) }));
    await expect(verifyChain('product', id, later)).resolves.toMatchObject({ ok: true, entries: 0, expired: 4 });
    await expect(verifyChain('product', id, earlier)).resolves.toEqual({ ok: false, brokenAt: 1, reason: 'missing-entry' });
  });

  it('a hold on the entity, or on its whole type, makes new entries never expire', async () => {
    const held = newId();
    await placeHold(auditKeys.hold('product', held).pk);
    await invoke(productHistory(held).slice(0, 2));
    for (const entry of await entriesOf('product', held)) {
      expect(entry.legalHold).toBe(true);
      expect(entry.expiresAt).toBeUndefined();
    }
    // A held entry never expires, so its removal is a break however late verify runs.
    await client.send(new DeleteItemCommand({ TableName: AUDIT_TABLE_NAME, Key: marshall(auditKeys.entry('product', held, 1)) }));
    await expect(verifyChain('product', held, Date.now() + 100 * 365 * 86_400_000)).resolves.toEqual({ ok: false, brokenAt: 1, reason: 'missing-entry' });
    const type = `held_${newId().toLowerCase().slice(-6)}`;
    await placeHold(auditKeys.hold(type).pk);
    const id = newId();
    await invoke([streamRecord('INSERT', undefined, { pk: `THING#${id}`, sk: 'THING', entityType: type, ...stampOf('staff:t') })]);
    expect((await entriesOf(type, id))[0]).toMatchObject({ legalHold: true });
    await expect(verifyChain(type, id)).resolves.toMatchObject({ ok: true, entries: 1 });
  });
});

describe('the list route', () => {
  let auditor: string;
  let analyst: string;
  const route = (id: string) => routeById(auditRoutes, id);
  const list = async (query: Record<string, string>, staffId = auditor) =>
    parse(await auditHandler(adminEvent(route('listAuditEntries'), { staffId, query }), lambdaContext()));

  beforeAll(async () => {
    auditor = await createStaff(['auditor']);
    analyst = await createStaff(['analyst']);
  });

  it('by entity: the chain in order, paged with a signed cursor', async () => {
    const id = newId();
    await invoke(productHistory(id));
    const first = await list({ entityType: 'product', entityId: id, limit: '3' });
    expect(first.status).toBe(200);
    expect(first.body.items.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3]);
    expect(first.body.items[0]).toMatchObject({ action: 'create', entityType: 'product', entityId: id, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const second = await list({ entityType: 'product', entityId: id, limit: '3', cursor: first.body.nextCursor });
    expect(second.body.items.map((e: { seq: number }) => e.seq)).toEqual([4]);
    // A cursor is bound to its listing.
    const other = await list({ entityType: 'product', entityId: newId(), limit: '3', cursor: first.body.nextCursor });
    expect(other.status).toBe(400);
  });

  it('by actor (newest first) and by time range (byDay, one day per page)', async () => {
    const actor = `staff:${newId()}`;
    const id = newId();
    const from = new Date(Date.now() - 1000).toISOString();
    await invoke(productHistory(id, actor));
    const to = new Date(Date.now() + 1000).toISOString();

    const byActor = await list({ actor });
    expect(byActor.body.items.map((e: { seq: number }) => e.seq)).toEqual([4, 3, 2, 1]);

    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list({ from, to, limit: '100', ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.filter((e: { entityId: string }) => e.entityId === id).map((e: { seq: number }) => e.seq));
      cursor = page.body.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 5);
    expect(seen.sort()).toEqual([1, 2, 3, 4]);
  });

  it('refuses a time range without bounds, and callers without audit:read', async () => {
    expect((await list({})).status).toBe(400);
    expect((await list({ from: '2026-01-01' })).status).toBe(400);
    expect((await list({ actor: 'staff:x' }, analyst)).status).toBe(403);
  });
});
