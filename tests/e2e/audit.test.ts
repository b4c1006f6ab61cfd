import { randomUUID } from 'node:crypto';
import { DeleteItemCommand, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { auditKeys } from '../../functions/shared/keys';
import { adminToken, api, credentials, partnerKey, type ApiReply } from '../support/e2e-client';

/**
 * The audit log end to end: a scripted workload through the real runtime (`npm start`), whose stream
 * poller feeds the audit consumer asynchronously. Every wait polls the audit API with a deadline
 * (no blind sleeps). Checked: one entry per change with the right actor, action and diff; soft delete
 * and restore both recorded; every chain verifies; secrets never appear; derived items are not
 * audited; who may read; tampering is named by verify.
 */
jest.setTimeout(120_000);

const ADMIN = 'admin@example.com';
const ADMIN2 = 'admin2@example.com';
const AUDITOR = 'auditor@example.com';
const WAIT_MS = 30_000;

interface Entry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  changes: Array<{ field: string; before: unknown; after: unknown }>;
  requestId: string | null;
  hash: string;
  prevHash: string;
}

const staffId = (email: string) => credentials().staff[email]!.id;
const actorOf = (email: string) => `staff:${staffId(email)}`;

function admin(method: string, path: string, body?: unknown, email = ADMIN): Promise<ApiReply> {
  return api(method, `/admin/v1${path}`, { token: adminToken(email), ...(body === undefined ? {} : { body }) });
}

async function ok(reply: Promise<ApiReply>, status = 200): Promise<ApiReply> {
  const res = await reply;
  if (res.status !== status) throw new Error(`Expected ${status}, got ${res.status}: ${res.text}`);
  return res;
}

/** Every entry of an entity, in chain order (all pages). */
async function entriesOf(entityType: string, entityId: string): Promise<Entry[]> {
  const all: Entry[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ entityType, entityId, limit: '100', ...(cursor ? { cursor } : {}) });
    const res = await ok(admin('GET', `/audit?${query}`, undefined, AUDITOR));
    all.push(...(res.body.items as Entry[]));
    cursor = res.body.nextCursor;
  } while (cursor);
  return all;
}

/** Polls until the entity has `count` entries (the consumer is asynchronous), failing after WAIT_MS. */
async function waitForEntries(entityType: string, entityId: string, count: number): Promise<Entry[]> {
  const deadline = Date.now() + WAIT_MS;
  let entries: Entry[] = [];
  while (Date.now() < deadline) {
    entries = await entriesOf(entityType, entityId);
    if (entries.length >= count) return entries;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${entityType} ${entityId}: ${entries.length} of ${count} audit entries after ${WAIT_MS} ms: ${JSON.stringify(entries.map((e) => e.action))}`);
}

async function verify(entityType: string, entityId: string) {
  return (await ok(admin('GET', `/audit/verify?${new URLSearchParams({ entityType, entityId })}`, undefined, AUDITOR))).body;
}

const fields = (entry: Entry) => entry.changes.map((c) => c.field);
const change = (entry: Entry, field: string) => entry.changes.find((c) => c.field === field);

describe('a scripted workload is audited, one entry per change', () => {
  const adminActor = () => actorOf(ADMIN);

  it('products: create, patch, SKU change, transition, soft delete, restore', async () => {
    const sku = `AUD-${randomUUID().slice(0, 8)}`;
    const created = await ok(admin('POST', '/products', { sku, name: 'Audit mug', price: { amount: 1200, currency: 'EUR' }, status: 'active' }), 201);
    const id: string = created.body.id;
    await ok(admin('PATCH', `/products/${id}`, { name: 'Audited mug', price: { amount: 1400, currency: 'EUR' } })); // under 20 %: no approval
    await ok(admin('PATCH', `/products/${id}`, { sku: `${sku}-B` }));
    await ok(admin('PATCH', `/products/${id}`, { status: 'archived' }));
    await ok(admin('DELETE', `/products/${id}`), 204);
    const restored = await ok(admin('POST', `/products/${id}/restore`));
    expect(restored.body.version).toBe(6);

    const entries = await waitForEntries('product', id, 6);
    expect(entries.map((e) => [e.seq, e.action, e.actor])).toEqual([
      [1, 'create', adminActor()],
      [2, 'update', adminActor()],
      [3, 'update', adminActor()],
      [4, 'transition', adminActor()],
      [5, 'delete', adminActor()],
      [6, 'restore', adminActor()],
    ]);
    const [create, patch, skuChange, transition, del, restore] = entries as [Entry, Entry, Entry, Entry, Entry, Entry];
    expect(fields(create)).toEqual(expect.arrayContaining(['sku', 'name', 'price', 'status', 'onHand', 'reserved', 'createdAt']));
    expect(change(create, 'sku')).toEqual({ field: 'sku', before: null, after: sku });
    expect(patch.changes).toEqual([
      { field: 'name', before: 'Audit mug', after: 'Audited mug' },
      { field: 'price', before: { amount: 1200, currency: 'EUR' }, after: { amount: 1400, currency: 'EUR' } },
    ]);
    expect(skuChange.changes).toEqual([{ field: 'sku', before: sku, after: `${sku}-B` }]);
    expect(transition.changes).toEqual([{ field: 'status', before: 'active', after: 'archived' }]);
    expect(fields(del)).toEqual(['deletedAt', 'deletedBy']);
    expect(change(del, 'deletedBy')).toEqual({ field: 'deletedBy', before: null, after: adminActor() });
    expect(restore.changes).toEqual([
      { field: 'deletedAt', before: change(del, 'deletedAt')!.after, after: null },
      { field: 'deletedBy', before: adminActor(), after: null },
    ]);
    // Every entry names the request that made the change.
    expect(entries.every((e) => typeof e.requestId === 'string' && e.requestId.length > 0)).toBe(true);
    expect(new Set(entries.map((e) => e.requestId)).size).toBe(6);
    // The SKU claims (entity type unique) are derived: never audited.
    expect(await entriesOf('unique', `SKU#${sku.toUpperCase()}`)).toEqual([]);
    expect(await verify('product', id)).toMatchObject({ ok: true, entries: 6 });
  });

  it('staff: create, role change, disable, enable', async () => {
    const email = `audit-${randomUUID().slice(0, 8)}@example.com`;
    const created = await ok(admin('POST', '/staff', { email, name: 'Audit Person', roles: ['support'] }), 201);
    const id: string = created.body.id;
    await ok(admin('PUT', `/staff/${id}/roles`, { roles: ['support', 'editor'] }));
    await ok(admin('POST', `/staff/${id}/disable`));
    const enabled = await ok(admin('POST', `/staff/${id}/enable`));

    const entries = await waitForEntries('staff', id, enabled.body.version);
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['create', adminActor()],
      ['update', adminActor()],
      ['transition', adminActor()],
      ['transition', adminActor()],
    ]);
    expect(change(entries[0]!, 'email')).toEqual({ field: 'email', before: null, after: email });
    expect(change(entries[1]!, 'roles')).toEqual({ field: 'roles', before: ['support'], after: ['support', 'editor'] });
    expect(change(entries[2]!, 'status')).toEqual({ field: 'status', before: 'active', after: 'disabled' });
    expect(change(entries[3]!, 'status')).toEqual({ field: 'status', before: 'disabled', after: 'active' });
    expect(await verify('staff', id)).toMatchObject({ ok: true, entries: enabled.body.version });
  });

  it('custom roles: create, change, delete (stamped: the deleter is named), create again under the name', async () => {
    const name = `audit-${randomUUID().slice(0, 6)}`;
    await ok(admin('POST', '/roles', { name, permissions: ['products:read'] }), 201);
    await ok(admin('PATCH', `/roles/${name}`, { permissions: ['products:read', 'orders:read'] }));
    // Deleted by another admin than the last writer: the entry must name the deleter.
    await ok(admin('DELETE', `/roles/${name}`, undefined, ADMIN2), 204);
    await ok(admin('POST', '/roles', { name, permissions: ['customers:read'] }), 201);

    const entries = await waitForEntries('role', name, 4);
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ['create', adminActor()],
      ['update', adminActor()],
      ['delete', actorOf(ADMIN2)],
      ['create', adminActor()],
    ]);
    expect(new Set(entries.map((e) => e.requestId)).size).toBe(4);
    expect(change(entries[1]!, 'permissions')).toEqual({ field: 'permissions', before: ['products:read'], after: ['products:read', 'orders:read'] });
    expect(fields(entries[2]!)).toEqual(['deletedAt', 'deletedBy']);
    expect(change(entries[2]!, 'deletedBy')).toEqual({ field: 'deletedBy', before: null, after: actorOf(ADMIN2) });
    expect(change(entries[3]!, 'permissions')).toEqual({ field: 'permissions', before: ['products:read', 'orders:read'], after: ['customers:read'] });
    expect(change(entries[3]!, 'deletedBy')).toEqual({ field: 'deletedBy', before: actorOf(ADMIN2), after: null });
    expect(await verify('role', name)).toMatchObject({ ok: true, entries: 4 });
  });

  it('partners and keys: the key secret and its hash never reach the log', async () => {
    const partner = await ok(admin('POST', '/partners', { name: `audit-${randomUUID().slice(0, 6)}`, scopes: ['catalog:read'] }), 201);
    const partnerId: string = partner.body.id;
    const issued = await ok(admin('POST', `/partners/${partnerId}/keys`, {}), 201);
    const keyId: string = issued.body.id;
    await ok(admin('DELETE', `/partners/${partnerId}/keys/${keyId}`), 204);
    const current = await ok(admin('GET', `/partners/${partnerId}`));

    const partnerEntries = await waitForEntries('partner', partnerId, current.body.version);
    expect(partnerEntries[0]).toMatchObject({ action: 'create', actor: adminActor() });
    const keyEntries = await waitForEntries('partner_key', keyId, 2);
    expect(keyEntries.map((e) => [e.action, e.actor])).toEqual([
      ['create', adminActor()],
      [expect.stringMatching(/^(update|transition)$/), adminActor()],
    ]);
    expect(change(keyEntries[0]!, 'secretHash')).toEqual({ field: 'secretHash', before: null, after: '[redacted]' });
    const secret = String(issued.body.key);
    const text = JSON.stringify(keyEntries);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice(secret.length - 16));
    expect(await verify('partner_key', keyId)).toMatchObject({ ok: true, entries: 2 });
    expect(await verify('partner', partnerId)).toMatchObject({ ok: true, entries: current.body.version });
  });

  it('the seeded staff, partners and their keys were recorded as created by system:seed', async () => {
    for (const email of Object.keys(credentials().staff)) {
      const [first] = await waitForEntries('staff', staffId(email), 1);
      expect(first).toMatchObject({ seq: 1, action: 'create', actor: 'system:seed' });
      expect(await verify('staff', staffId(email))).toMatchObject({ ok: true });
    }
    for (const [name, { id }] of Object.entries(credentials().partners)) {
      const [first] = await waitForEntries('partner', id, 1);
      expect(first).toMatchObject({ action: 'create', actor: 'system:seed' });
      const keys = await ok(admin('GET', `/partners/${id}/keys`));
      for (const key of keys.body.items as Array<{ id: string }>) {
        const entries = await waitForEntries('partner_key', key.id, 1);
        expect(change(entries[0]!, 'secretHash')?.after).toBe('[redacted]');
        expect(JSON.stringify(entries)).not.toContain(partnerKey(name));
      }
    }
  });

  it('lists by actor and by time range find the same entries', async () => {
    const sku = `AUD-${randomUUID().slice(0, 8)}`;
    const ops = actorOf('ops@example.com');
    const created = await ok(admin('POST', '/products', { sku, name: 'Range', price: { amount: 100, currency: 'EUR' } }, 'ops@example.com'), 201);
    const id: string = created.body.id;
    const [entry] = await waitForEntries('product', id, 1);
    // Bounds around the entry's own time: the runtime's clock may have been moved forward (POST /local/clock).
    const from = new Date(Date.parse(entry!.at) - 2000).toISOString();
    const to = new Date(Date.parse(entry!.at) + 2000).toISOString();
    const isOurs = (e: Entry) => e.entityId === id && e.action === 'create';

    // Other test files write at the same time: read every page of the listing. The indexes are
    // eventually consistent, so poll (bounded) until the entry shows.
    const byActor = await pollListing({ actor: ops, from, to }, isOurs);
    expect(byActor.every((e) => e.actor === ops)).toBe(true);
    const byRange = await pollListing({ from, to }, isOurs);
    // Newest first within the range.
    const times = byRange.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
  });
});

/** Every page of a listing, read again until `found` matches one of its entries (or WAIT_MS passes). */
async function pollListing(filter: Record<string, string>, found: (entry: Entry) => boolean): Promise<Entry[]> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const all: Entry[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query = new URLSearchParams({ ...filter, limit: '100', ...(cursor ? { cursor } : {}) });
      const page = await ok(admin('GET', `/audit?${query}`, undefined, AUDITOR));
      all.push(...(page.body.items as Entry[]));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 500);
    if (all.some(found)) return all;
    if (Date.now() > deadline) throw new Error(`No matching entry in ${JSON.stringify(filter)} after ${WAIT_MS} ms (${all.length} entries)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('who may read the audit log', () => {
  const query = `entityType=staff&entityId=${encodeURIComponent('01ARZ3NDEKTSV4RRFFQ69G5FAV')}`;

  it.each([AUDITOR, ADMIN])('%s may list and verify', async (email) => {
    expect((await admin('GET', `/audit?${query}`, undefined, email)).status).toBe(200);
    expect((await admin('GET', `/audit/verify?${query}`, undefined, email)).status).toBe(200);
  });

  it.each(['analyst@example.com', 'ops@example.com'])('%s gets 403', async (email) => {
    expect((await admin('GET', `/audit?${query}`, undefined, email)).status).toBe(403);
    expect((await admin('GET', `/audit/verify?${query}`, undefined, email)).status).toBe(403);
  });

  it('no route changes an entry: the audit paths answer only GET', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect((await admin(method, `/audit?${query}`, method === 'DELETE' ? undefined : {})).status).toBeGreaterThanOrEqual(400);
    }
  });
});

describe('tampering in DynamoDB Local is named by verify', () => {
  let client: DynamoDBClient;
  beforeAll(() => {
    client = new DynamoDBClient({ endpoint: credentials().dynamodbEndpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  });
  afterAll(() => client.destroy());

  async function productWithHistory(): Promise<string> {
    const created = await ok(admin('POST', '/products', { sku: `TMP-${randomUUID().slice(0, 8)}`, name: 'T', price: { amount: 1, currency: 'EUR' } }), 201);
    const id: string = created.body.id;
    await ok(admin('PATCH', `/products/${id}`, { name: 'T2' }));
    await ok(admin('PATCH', `/products/${id}`, { name: 'T3' }));
    await waitForEntries('product', id, 3);
    expect(await verify('product', id)).toMatchObject({ ok: true, entries: 3 });
    return id;
  }

  it('an entry changed → its sequence number', async () => {
    const id = await productWithHistory();
    await client.send(
      new UpdateItemCommand({
        TableName: credentials().auditTableName,
        Key: marshall(auditKeys.entry('product', id, 2)),
        UpdateExpression: 'SET actor = :actor',
        ExpressionAttributeValues: marshall({ ':actor': 'staff:nobody' }),
      }),
    );
    expect(await verify('product', id)).toEqual({ ok: false, brokenAt: 2, reason: 'hash-mismatch' });
  });

  it('an entry removed → its sequence number', async () => {
    const id = await productWithHistory();
    await client.send(new DeleteItemCommand({ TableName: credentials().auditTableName, Key: marshall(auditKeys.entry('product', id, 1)) }));
    expect(await verify('product', id)).toEqual({ ok: false, brokenAt: 1, reason: 'missing-entry' });
  });
});
