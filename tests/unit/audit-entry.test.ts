import { createHash } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import {
  canonicalJson,
  chainHash,
  changeOf,
  classify,
  diffImages,
  entityIdOf,
  fitChanges,
  GENESIS_HASH,
  plainImage,
  REDACTED,
  UnattributableRecord,
  type EntryContent,
} from '../../functions/audit/audit-entry';
import { BY_ACTOR_INDEX, BY_DAY_INDEX } from '../../functions/audit/audit-repository';
import { ListAuditQuery } from '../../functions/audit/schemas';
import { AUDIT_TABLE } from '../../functions/shared/schema/tables';

const NOW = () => '2026-01-01T00:00:00.000Z';
const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as unknown as Record<string, AttributeValue>;

const stamp = (actor = 'staff:01HSTAFF', at = '2026-03-04T05:06:07.890Z') => ({
  updatedBy: actor,
  updatedAt: at,
  requestId: 'req-1',
  sourceIp: '203.0.113.9',
  version: 2,
});

const product = (extra: Record<string, unknown> = {}) => ({
  pk: 'PRODUCT#01HPRODUCT',
  sk: 'PRODUCT',
  gsi1pk: 'PRODUCT_STATUS#active',
  gsi1sk: 'LIVE#01HPRODUCT',
  gsi2pk: 'PRODUCTS',
  gsi2sk: 'LIVE#01HPRODUCT',
  entityType: 'product',
  id: '01HPRODUCT',
  sku: 'SKU-1',
  name: 'Mug',
  price: { amount: 1250, currency: 'EUR' },
  status: 'active',
  ...stamp(),
  ...extra,
});

function record(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  oldItem: Record<string, unknown> | undefined,
  newItem: Record<string, unknown> | undefined,
  extra: Partial<DynamoDBRecord> = {},
): DynamoDBRecord {
  return {
    eventID: `event-${eventName}`,
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      ApproximateCreationDateTime: 1_767_225_600,
      SequenceNumber: '100',
      ...(oldItem ? { OldImage: image(oldItem) } : {}),
      ...(newItem ? { NewImage: image(newItem) } : {}),
    },
    ...extra,
  };
}

describe('canonical JSON', () => {
  it('sorts object keys at every depth and leaves out undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('gives equal values the same text whatever the key order', () => {
    expect(canonicalJson({ x: 1, y: [2, 3], z: { b: 1, a: 2 } })).toBe(canonicalJson({ z: { a: 2, b: 1 }, y: [2, 3], x: 1 }));
    expect(canonicalJson({ x: 1, y: [2, 3] })).not.toBe(canonicalJson({ x: 1, y: [3, 2] }));
  });

  it('sorts by code unit, not by locale', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, é: 4 })).toBe('{"B":2,"a":3,"b":1,"é":4}');
  });
});

describe('the hash chain', () => {
  const content: EntryContent = {
    seq: 1,
    prevExpiresAt: null,
    eventId: 'e1',
    entityType: 'product',
    entityId: 'p1',
    action: 'create',
    actor: 'staff:s1',
    at: '2026-01-01T00:00:00.000Z',
    requestId: 'r1',
    sourceIp: null,
    changes: [{ field: 'name', before: null, after: 'Mug' }],
  };

  it('is sha256(prevHash + canonical entry), hex', () => {
    const expected = createHash('sha256').update(GENESIS_HASH + canonicalJson(content)).digest('hex');
    expect(chainHash(GENESIS_HASH, content)).toBe(expected);
    expect(chainHash(GENESIS_HASH, content)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with any field of the entry and with the previous hash', () => {
    const base = chainHash(GENESIS_HASH, content);
    expect(chainHash('a'.repeat(64), content)).not.toBe(base);
    expect(chainHash(GENESIS_HASH, { ...content, seq: 2 })).not.toBe(base);
    expect(chainHash(GENESIS_HASH, { ...content, prevExpiresAt: 1 })).not.toBe(base);
    expect(chainHash(GENESIS_HASH, { ...content, actor: 'staff:s2' })).not.toBe(base);
    expect(chainHash(GENESIS_HASH, { ...content, changes: [{ field: 'name', before: null, after: 'Cup' }] })).not.toBe(base);
  });

  it('ignores storage fields that are not part of the entry (retention, index keys)', () => {
    const stored = { ...content, day: '2026-01-01', expiresAt: 123, pk: 'x', hash: 'h', prevHash: GENESIS_HASH };
    expect(chainHash(GENESIS_HASH, stored)).toBe(chainHash(GENESIS_HASH, content));
  });
});

describe('stream images', () => {
  it('turn sets into sorted arrays and keep numbers exact', () => {
    const plain = plainImage({
      tags: { SS: ['b', 'a'] },
      sizes: { NS: ['10', '9'] },
      big: { N: '123456789012345678901234567890' },
      small: { N: '42' },
    });
    expect(plain).toEqual({ tags: ['a', 'b'], sizes: [9, 10], big: '123456789012345678901234567890', small: 42 });
  });
});

describe('changed fields', () => {
  it('lists only fields that differ, sorted, without bookkeeping fields', () => {
    const before = plainImage(image(product()));
    const after = plainImage(
      image(product({ name: 'Big mug', gsi1pk: 'PRODUCT_STATUS#draft', version: 3, updatedAt: 'later', updatedBy: 'staff:other', requestId: 'r2', sourceIp: '1.1.1.1' })),
    );
    expect(diffImages(before, after)).toEqual([{ field: 'name', before: 'Mug', after: 'Big mug' }]);
  });

  it('compares nested values as a whole, and treats absent and null alike', () => {
    const before = plainImage(image(product({ description: null })));
    const after = plainImage(image(product({ price: { currency: 'EUR', amount: 1500 } })));
    expect(diffImages(before, after)).toEqual([{ field: 'price', before: { amount: 1250, currency: 'EUR' }, after: { amount: 1500, currency: 'EUR' } }]);
  });

  it('lists every field of a created or removed item against null', () => {
    const item = plainImage(image({ pk: 'ROLE#clerk', sk: 'ROLE', entityType: 'role', name: 'clerk', permissions: ['products:read'], ...stamp() }));
    expect(diffImages(undefined, item)).toEqual([
      { field: 'name', before: null, after: 'clerk' },
      { field: 'permissions', before: null, after: ['products:read'] },
    ]);
    expect(diffImages(item, undefined).map((c) => c.after)).toEqual([null, null]);
  });

  it('never copies secrets: secretHash and friends are redacted, also inside maps, but their change is listed', () => {
    const before = plainImage(image({ secretHash: 'aaa', prefix: 'bk_1', nested: { passwordHash: 'x', plain: 1 } }));
    const after = plainImage(image({ secretHash: 'bbb', prefix: 'bk_1', nested: { passwordHash: 'y', plain: 2 } }));
    const changes = diffImages(before, after);
    expect(changes).toEqual([
      { field: 'nested', before: { passwordHash: REDACTED, plain: 1 }, after: { passwordHash: REDACTED, plain: 2 } },
      { field: 'secretHash', before: REDACTED, after: REDACTED },
    ]);
    expect(JSON.stringify(changes)).not.toMatch(/aaa|bbb/);
    expect(diffImages(undefined, plainImage(image({ taskToken: 't0k3n', usageIdentifierKey: 'k3y' })))).toEqual([
      { field: 'taskToken', before: null, after: REDACTED },
      { field: 'usageIdentifierKey', before: null, after: REDACTED },
    ]);
  });

  it('keeps an entry under the size budget by replacing the largest values with their digest', () => {
    const big = 'x'.repeat(2000);
    const changes = [
      { field: 'body', before: big, after: `${big}y` },
      { field: 'title', before: 'a', after: 'b' },
    ];
    expect(fitChanges(changes, 10_000)).toBe(changes);
    const fitted = fitChanges(changes, 2500);
    expect(fitted[1]).toEqual(changes[1]);
    const digested = [fitted[0]!.before, fitted[0]!.after].filter((v) => typeof v === 'object');
    expect(digested.length).toBeGreaterThanOrEqual(1);
    expect(digested[0]).toEqual({ omitted: 'too large', bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(Buffer.byteLength(canonicalJson(fitted))).toBeLessThan(2500 + 200);
  });
});

describe('actions', () => {
  const live = plainImage(image(product()));
  it.each([
    ['INSERT', undefined, live, 'create'],
    ['REMOVE', live, undefined, 'remove'],
    ['MODIFY', live, { ...live, name: 'Cup' }, 'update'],
    ['MODIFY', live, { ...live, status: 'archived' }, 'transition'],
    ['MODIFY', live, { ...live, deletedAt: '2026-01-01T00:00:00.000Z', deletedBy: 'staff:x' }, 'delete'],
    ['MODIFY', { ...live, deletedAt: '2026-01-01T00:00:00.000Z' }, live, 'restore'],
    ['MODIFY', { ...live, deletedAt: '2026-01-01T00:00:00.000Z' }, { ...live, createdAt: '2026-02-01T00:00:00.000Z' }, 'create'],
    ['MODIFY', live, { ...live, status: 'archived', deletedAt: '2026-01-01T00:00:00.000Z' }, 'delete'],
  ] as const)('%s %#: %s', (eventName, before, after, action) => {
    expect(classify(eventName, before, after)).toBe(action);
  });
});

describe('entity of an item', () => {
  it.each([
    [{ pk: 'PRODUCT#01H', sk: 'PRODUCT', id: '01H' }, '01H'],
    [{ pk: 'PARTNER_KEY#k1', sk: 'PARTNER_KEY', keyId: 'k1' }, 'k1'],
    [{ pk: 'ROLE#clerk', sk: 'ROLE', name: 'clerk' }, 'clerk'],
    [{ pk: 'ORDER#o1', sk: 'PAYMENT#p1', id: 'p1' }, 'p1'],
    [{ pk: 'ORDER#o1', sk: 'EVENT#2026-01-01' }, 'o1/EVENT#2026-01-01'],
  ])('%j → %s', (item, id) => {
    expect(entityIdOf(item)).toBe(id);
  });
});

describe('one stream record → one change', () => {
  it('create: actor, request and source from the write stamp, every field against null', () => {
    const change = changeOf(record('INSERT', undefined, product()), NOW);
    expect(change).toMatchObject({
      eventId: 'event-INSERT',
      entityType: 'product',
      entityId: '01HPRODUCT',
      action: 'create',
      actor: 'staff:01HSTAFF',
      at: '2026-03-04T05:06:07.890Z',
      requestId: 'req-1',
      sourceIp: '203.0.113.9',
    });
    expect(change.changes.map((c) => c.field)).toEqual(['id', 'name', 'price', 'sku', 'status']);
  });

  it('soft delete: the deleter is the actor', () => {
    const after = product({ deletedAt: '2026-03-05T00:00:00.000Z', deletedBy: 'staff:deleter', updatedBy: 'staff:deleter' });
    const change = changeOf(record('MODIFY', product(), after), NOW);
    expect(change).toMatchObject({ action: 'delete', actor: 'staff:deleter' });
    expect(change.changes).toEqual([
      { field: 'deletedAt', before: null, after: '2026-03-05T00:00:00.000Z' },
      { field: 'deletedBy', before: null, after: 'staff:deleter' },
    ]);
  });

  it('hard delete: keeps the old image, names its last writer, at the stream time', () => {
    const change = changeOf(record('REMOVE', product(), undefined), NOW);
    expect(change).toMatchObject({ action: 'remove', actor: 'staff:01HSTAFF', at: new Date(1_767_225_600_000).toISOString() });
    expect(change.changes.find((c) => c.field === 'name')).toEqual({ field: 'name', before: 'Mug', after: null });
  });

  it('a TTL expiry is done by system:ttl', () => {
    const ttl = record('REMOVE', product(), undefined, { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } });
    expect(changeOf(ttl, NOW)).toMatchObject({ action: 'remove', actor: 'system:ttl', requestId: null, sourceIp: null });
  });

  it('an unstamped write is attributed to system:unknown, never dropped', () => {
    const { updatedBy: _u, ...unstamped } = product();
    expect(changeOf(record('INSERT', undefined, unstamped), NOW).actor).toBe('system:unknown');
  });

  it('an update that left the old stamp in place is not pinned on the earlier writer', () => {
    const change = changeOf(record('MODIFY', product(), product({ name: 'Cup' })), NOW);
    expect(change).toMatchObject({ action: 'update', actor: 'system:unknown', requestId: null, sourceIp: null, at: new Date(1_767_225_600_000).toISOString() });
    expect(change.changes).toEqual([{ field: 'name', before: 'Mug', after: 'Cup' }]);
    const stamped = changeOf(record('MODIFY', product(), product({ name: 'Cup', ...stamp('staff:other', '2026-03-05T00:00:00.000Z'), requestId: 'req-2' })), NOW);
    expect(stamped).toMatchObject({ actor: 'staff:other', requestId: 'req-2', at: '2026-03-05T00:00:00.000Z' });
  });

  it('a record naming no valid entity type is unattributable', () => {
    expect(() => changeOf(record('INSERT', undefined, product({ entityType: 'Not a type' })), NOW)).toThrow(UnattributableRecord);
    expect(() => changeOf(record('INSERT', undefined, undefined), NOW)).toThrow(UnattributableRecord);
  });

  it('gives the same change for the same record (redeliveries hash alike)', () => {
    const r = record('MODIFY', product(), product({ name: 'Cup' }));
    expect(changeOf(r, NOW)).toEqual(changeOf(structuredClone(r), () => 'another time'));
  });
});

describe('listing rules', () => {
  const parse = (query: Record<string, string>) => ListAuditQuery.safeParse(query);

  it('needs from and to (at most 31 days apart) without an entity or actor', () => {
    expect(parse({}).success).toBe(false);
    expect(parse({ from: '2026-01-01' }).success).toBe(false);
    expect(parse({ from: '2026-01-01', to: '2026-01-31' }).success).toBe(true);
    expect(parse({ from: '2026-01-01', to: '2026-03-01' }).success).toBe(false);
    expect(parse({ from: '2026-02-01', to: '2026-01-01' }).success).toBe(false);
  });

  it('takes entityType and entityId together, or an actor', () => {
    expect(parse({ entityType: 'product' }).success).toBe(false);
    expect(parse({ entityType: 'product', entityId: '01H' }).success).toBe(true);
    expect(parse({ actor: 'staff:01H' }).success).toBe(true);
    expect(parse({ actor: 'someone' }).success).toBe(false);
    expect(parse({ entityType: 'Product!', entityId: '1' }).success).toBe(false);
  });

  it('turns dates into the first and last millisecond of the day', () => {
    const result = parse({ from: '2026-01-01', to: '2026-01-02' });
    expect(result.success && result.data).toMatchObject({ from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T23:59:59.999Z' });
  });
});

it('the repository uses the audit table indexes of functions/shared/schema/tables.ts', () => {
  expect(AUDIT_TABLE.globalIndexes).toEqual([
    { indexName: BY_ACTOR_INDEX, partitionKey: 'actor', sortKey: 'at' },
    { indexName: BY_DAY_INDEX, partitionKey: 'day', sortKey: 'at' },
  ]);
});
