import { randomUUID } from 'node:crypto';
import { DeleteItemCommand, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { auditKeys } from '../../functions/shared/keys';
import { adminToken, api, credentials, partnerKey, type ApiReply } from '../support/e2e-client';

/**
 * The audit log end to end: a scripted workload through the real runtime (`npm start`), whose stream
 * poller feeds the audit consumer asynchronously — products, staff, custom roles, partners and keys,
 * and commerce (customer, staff and partner orders, payment, refunds direct and through an approval
 * applied by the workflow, cancellation). Every wait polls the audit API with a deadline (no blind
 * sleeps). Checked: one entry per change with the right actor, action and diff (for commerce, per
 * request: exactly the entries of the items it wrote, found by request id); soft delete and restore
 * both recorded; every chain verifies; secrets never appear; derived items are not audited; who may
 * read; tampering is named by verify.
 */
jest.setTimeout(120_000);

const ADMIN = 'admin@example.com';
const ADMIN2 = 'admin2@example.com';
const AUDITOR = 'auditor@example.com';
const FINANCE = 'finance@example.com';
const FINANCE2 = 'finance2@example.com';
const OPS = 'ops@example.com';
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

  it('commerce: a customer, a staff and a partner order, a payment, a direct refund, a refund through an approval, a cancellation', async () => {
    // Every write of the single table that is not derived is one change. Per request, exactly these entries
    // (idempotency records and unique claims are derived: never audited):
    //   customer           → customer create
    //   link to a partner  → customer_partner create
    //   stock adjustment   → product update (stock counters), stock_adjustment create
    //   order (staff)      → order create, product update (reserved)
    //   order (partner)    → the same, by partner:<id>
    //   payment (in full)  → order transition (paid), payment create, 2 ledger_entry creates, 2 ledger_balance changes
    //   refund 50.00       → order update, refund create, 2 ledger_entry creates, 2 ledger_balance changes
    //   refund 120.00      → approval create only (202: nothing else changes while it waits)
    //   workflow, step     → approval update (the step opens), by system:approvals
    //   approve (finance2) → approval transition (approved)
    //   workflow, apply    → approval update (appliedAt), order update, refund create, 2 ledger_entry creates, 2 ledger_balance changes, all system:approvals
    //   cancel (partner's) → order transition (cancelled), product update (reserved released)
    // (An order's history is embedded in the order: its entries are the order's own.)
    const shopId = credentials().partners['demo-shop']!.id;
    const shop = `partner:${shopId}`;
    const [finance, finance2, ops] = [actorOf(FINANCE), actorOf(FINANCE2), actorOf(OPS)];
    const eur = (amount: number) => ({ amount, currency: 'EUR' });
    const requests: Array<{ name: string; requestId: string; actor: string; expected: string[] }> = [];
    async function step(name: string, expected: string[], actor: string, reply: Promise<ApiReply>, status: number): Promise<ApiReply> {
      const res = await ok(reply, status);
      const requestId = res.headers.get('x-request-id');
      if (!requestId) throw new Error(`${name}: no x-request-id`);
      requests.push({ name, requestId, actor, expected });
      return res;
    }

    const product = await ok(admin('POST', '/products', { sku: `AUD-C-${randomUUID().slice(0, 8)}`, name: 'Audit commerce', price: eur(10_000), status: 'active' }), 201);
    const productId: string = product.body.id;
    const adjustment = await step('stock adjustment', ['product:update', 'stock_adjustment:create'], ops, admin('POST', `/products/${productId}/stock-adjustments`, { delta: 10, reason: 'Goods received' }, OPS), 201);
    const customer = await step('customer', ['customer:create'], adminActor(), admin('POST', '/customers', { name: 'Audit Customer', email: `audit-${randomUUID().slice(0, 8)}@example.com` }), 201);
    const customerId: string = customer.body.id;
    // The partner may order for the customer once staff link them.
    await step('link to demo-shop', ['customer_partner:create'], adminActor(), admin('PUT', `/customers/${customerId}/partners/${shopId}`), 200);
    const staffOrder = await step('staff order', ['order:create', 'product:update'], adminActor(), admin('POST', '/orders', { customerId, lines: [{ productId, quantity: 2 }] }), 201);
    const orderId: string = staffOrder.body.id;
    expect(staffOrder.body.total).toEqual(eur(20_000));
    const posting = ['ledger_entry:create', 'ledger_entry:create', 'ledger_balance:*', 'ledger_balance:*'];
    const payment = await step('payment', ['order:transition', 'payment:create', ...posting], finance, admin('POST', `/orders/${orderId}/payments`, { amount: eur(20_000), method: 'card' }, FINANCE), 201);
    expect(payment.body.orderStatus).toBe('paid');
    // Above the 100.00 limit: held for finance. Its workflow starts while the rest of the workload runs.
    const held = await step('refund 120.00', ['approval:create'], finance, admin('POST', `/orders/${orderId}/refunds`, { amount: eur(12_000), reason: 'Broken' }, FINANCE), 202);
    const approvalId: string = held.body.approval.id;
    const partnerOrder = await step(
      'partner order',
      ['order:create', 'product:update'],
      shop,
      api('POST', '/partner/v1/orders', { apiKey: partnerKey('demo-shop'), body: { customerId, lines: [{ productId, quantity: 1 }] }, headers: { 'Idempotency-Key': randomUUID() } }),
      201,
    );
    const partnerOrderId: string = partnerOrder.body.id;
    const smallRefund = await step('refund 50.00', ['order:update', 'refund:create', ...posting], finance, admin('POST', `/orders/${orderId}/refunds`, { amount: eur(5_000), reason: 'Scratched' }, FINANCE), 201);
    await step('cancel', ['order:transition', 'product:update'], ops, admin('POST', `/orders/${partnerOrderId}/cancel`, { reason: 'Customer changed their mind' }, OPS), 200);
    // The workflow opens finance's step (system:approvals), then another finance member approves.
    await waitForEntries('approval', approvalId, 2);
    await step('approve', ['approval:transition'], finance2, admin('POST', `/approvals/${approvalId}/approve`, { comment: 'Checked' }, FINANCE2), 200);

    // The chains of the entities with known ids, each complete (the workflow's apply is the order's 4th change).
    const productEntries = await waitForEntries('product', productId, 5);
    const orderEntries = await waitForEntries('order', orderId, 4);
    const partnerOrderEntries = await waitForEntries('order', partnerOrderId, 2);
    const approvalEntries = await waitForEntries('approval', approvalId, 4);
    const customerEntries = await waitForEntries('customer', customerId, 1);
    const system = 'system:approvals';
    const openStep = approvalEntries[1]!;
    const applied = approvalEntries[3]!;
    requests.push({ name: 'workflow: step opens', requestId: openStep.requestId!, actor: system, expected: ['approval:update'] });
    requests.push({ name: 'workflow: apply', requestId: applied.requestId!, actor: system, expected: ['approval:update', 'order:update', 'refund:create', ...posting] });

    expect(customerEntries.map((e) => [e.action, e.actor])).toEqual([['create', adminActor()]]);
    expect(change(customerEntries[0]!, 'name')).toEqual({ field: 'name', before: null, after: 'Audit Customer' });
    expect(productEntries.map((e) => [e.action, e.actor])).toEqual([
      ['create', adminActor()],
      ['update', ops],
      ['update', adminActor()],
      ['update', shop],
      ['update', ops],
    ]);
    const stock = (entry: Entry) => entry.changes.filter((c) => ['onHand', 'reserved', 'available'].includes(c.field));
    expect(stock(productEntries[1]!)).toEqual([
      { field: 'available', before: 0, after: 10 },
      { field: 'onHand', before: 0, after: 10 },
    ]);
    // Reserved by the staff order (2) and the partner order (1), released by the cancellation (1): nothing else changes.
    const counters = (entry: Entry) => entry.changes.map((c) => `${c.field} ${String(c.before)}→${String(c.after)}`);
    expect(productEntries.slice(2).map(counters)).toEqual([
      ['available 10→8', 'reserved 0→2'],
      ['available 8→7', 'reserved 2→3'],
      ['available 7→8', 'reserved 3→2'],
    ]);

    expect(orderEntries.map((e) => [e.action, e.actor])).toEqual([
      ['create', adminActor()],
      ['transition', finance],
      ['update', finance],
      ['update', system],
    ]);
    expect(change(orderEntries[0]!, 'status')).toEqual({ field: 'status', before: null, after: 'pending_payment' });
    expect(change(orderEntries[0]!, 'total')).toEqual({ field: 'total', before: null, after: 20_000 });
    expect(orderEntries[1]!.changes).toEqual([
      { field: 'outstanding', before: 20_000, after: 0 },
      { field: 'paidAmount', before: 0, after: 20_000 },
      { field: 'refundable', before: 0, after: 20_000 },
      { field: 'status', before: 'pending_payment', after: 'paid' },
    ]);
    expect(orderEntries[2]!.changes).toEqual([
      { field: 'refundable', before: 20_000, after: 15_000 },
      { field: 'refundedAmount', before: 0, after: 5_000 },
    ]);
    expect(orderEntries[3]!.changes).toEqual([
      { field: 'refundable', before: 15_000, after: 3_000 },
      { field: 'refundedAmount', before: 5_000, after: 17_000 },
    ]);
    expect(partnerOrderEntries.map((e) => [e.action, e.actor])).toEqual([
      ['create', shop],
      ['transition', ops],
    ]);
    expect(change(partnerOrderEntries[0]!, 'partnerId')).toEqual({ field: 'partnerId', before: null, after: shopId });
    expect(partnerOrderEntries[1]!.changes).toEqual([
      { field: 'cancelReason', before: null, after: 'Customer changed their mind' },
      { field: 'status', before: 'pending_payment', after: 'cancelled' },
    ]);

    expect(approvalEntries.map((e) => [e.action, e.actor])).toEqual([
      ['create', finance],
      ['update', system],
      ['transition', finance2],
      ['update', system],
    ]);
    expect(change(approvalEntries[0]!, 'subject')?.after).toEqual({ orderId, amount: eur(12_000), reason: 'Broken', requestedBy: finance });
    expect(change(openStep, 'taskToken')).toEqual({ field: 'taskToken', before: null, after: '[redacted]' });
    expect(change(approvalEntries[2]!, 'status')).toEqual({ field: 'status', before: 'pending', after: 'approved' });
    expect(fields(applied)).toEqual(['appliedAt']);

    // Every entry of those requests, wherever it landed: one time-range listing around them, by request id.
    const times = [...productEntries, ...orderEntries, ...partnerOrderEntries, ...approvalEntries, ...customerEntries].map((e) => Date.parse(e.at));
    const window = { from: new Date(Math.min(...times) - 1000).toISOString(), to: new Date(Math.max(...times) + 1000).toISOString() };
    const expectedCount = requests.reduce((sum, r) => sum + r.expected.length, 0);
    const byRequest = await entriesOfRequests(window, new Set(requests.map((r) => r.requestId)), expectedCount);
    const kinds = (entries: Entry[]) => entries.map((e) => `${e.entityType}:${e.entityType === 'ledger_balance' ? '*' : e.action}`).sort();
    for (const request of requests) {
      const entries = byRequest.get(request.requestId) ?? [];
      expect({ request: request.name, kinds: kinds(entries) }).toEqual({ request: request.name, kinds: [...request.expected].sort() });
      expect({ request: request.name, actors: [...new Set(entries.map((e) => e.actor))] }).toEqual({ request: request.name, actors: [request.actor] });
    }
    const of = (name: string, entityType: string) => byRequest.get(requests.find((r) => r.name === name)!.requestId)!.filter((e) => e.entityType === entityType);

    // The children: the stock adjustment, the payment, both refunds, the postings; and each order transition.
    expect(of('stock adjustment', 'stock_adjustment').map((e) => e.entityId)).toEqual([adjustment.body.id]);
    expect(change(of('stock adjustment', 'stock_adjustment')[0]!, 'delta')).toEqual({ field: 'delta', before: null, after: 10 });
    const moves = (name: string) => of(name, 'order').map((e) => [e.entityId, change(e, 'status')?.before ?? null, change(e, 'status')?.after]);
    expect(moves('staff order')).toEqual([[orderId, null, 'pending_payment']]);
    expect(moves('partner order')).toEqual([[partnerOrderId, null, 'pending_payment']]);
    expect(moves('payment')).toEqual([[orderId, 'pending_payment', 'paid']]);
    expect(moves('cancel')).toEqual([[partnerOrderId, 'pending_payment', 'cancelled']]);
    // The embedded history is not copied into the log: the entry already says what moved, who, when.
    for (const name of ['staff order', 'partner order', 'payment', 'cancel']) {
      expect(of(name, 'order').flatMap((e) => e.changes.map((c) => c.field))).not.toContain('history');
    }
    expect(of('payment', 'payment').map((e) => [e.entityId, change(e, 'amount')?.after])).toEqual([[payment.body.id, eur(20_000)]]);
    expect(of('refund 50.00', 'refund').map((e) => [e.entityId, change(e, 'amount')?.after])).toEqual([[smallRefund.body.id, eur(5_000)]]);
    const approvedRefund = of('workflow: apply', 'refund');
    expect(approvedRefund.map((e) => [change(e, 'orderId')?.after, change(e, 'amount')?.after, change(e, 'createdBy')?.after])).toEqual([[orderId, eur(12_000), finance]]);
    const lines = (name: string) =>
      of(name, 'ledger_entry')
        .map((e) => [change(e, 'account')?.after, change(e, 'side')?.after, change(e, 'amount')?.after, change(e, 'orderId')?.after])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(lines('payment')).toEqual([
      ['1000', 'debit', 20_000, orderId],
      ['4000', 'credit', 20_000, orderId],
    ]);
    expect(lines('refund 50.00')).toEqual([
      ['1000', 'credit', 5_000, orderId],
      ['4100', 'debit', 5_000, orderId],
    ]);
    expect(lines('workflow: apply')).toEqual([
      ['1000', 'credit', 12_000, orderId],
      ['4100', 'debit', 12_000, orderId],
    ]);
    const moved = (e: Entry, side: 'debit' | 'credit') => Number(change(e, side)?.after ?? 0) - Number(change(e, side)?.before ?? 0);
    const balances = (name: string) =>
      of(name, 'ledger_balance')
        .map((e) => [e.entityId, moved(e, 'debit'), moved(e, 'credit')])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(balances('payment')).toEqual([
      ['1000/EUR', 20_000, 0],
      ['4000/EUR', 0, 20_000],
    ]);
    expect(balances('refund 50.00')).toEqual([
      ['1000/EUR', 0, 5_000],
      ['4100/EUR', 5_000, 0],
    ]);
    expect(balances('workflow: apply')).toEqual([
      ['1000/EUR', 0, 12_000],
      ['4100/EUR', 12_000, 0],
    ]);

    // Each entity's chain holds exactly its changes and verifies (the shared ledger balances: their chains verify).
    const children = [...byRequest.values()].flat().filter((e) => !['product', 'order', 'approval', 'customer', 'ledger_balance'].includes(e.entityType));
    const childChains = await Promise.all(children.map((e) => entriesOf(e.entityType, e.entityId)));
    expect(childChains.map((chain) => chain.length)).toEqual(children.map(() => 1));
    const chains: Array<[string, string, number]> = [
      ['product', productId, 5],
      ['order', orderId, 4],
      ['order', partnerOrderId, 2],
      ['approval', approvalId, 4],
      ['customer', customerId, 1],
      ...children.map((e): [string, string, number] => [e.entityType, e.entityId, 1]),
    ];
    const verified = await Promise.all(chains.map(async ([entityType, entityId]) => ({ entityType, entityId, ...(await verify(entityType, entityId)) })));
    expect(verified).toEqual(chains.map(([entityType, entityId, entries]) => ({ entityType, entityId, ok: true, entries, headHash: expect.any(String) })));
    const ledgerBalances = await Promise.all(['1000/EUR', '4000/EUR', '4100/EUR'].map((id) => verify('ledger_balance', id)));
    expect(ledgerBalances).toEqual([0, 1, 2].map(() => expect.objectContaining({ ok: true })));
    // Nothing was recorded twice meanwhile.
    expect([...(await entriesOfRequests(window, new Set(requests.map((r) => r.requestId)), expectedCount)).values()].flat()).toHaveLength(expectedCount);
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

/**
 * The entries of the given requests, grouped by request id, from every page of a time-range listing;
 * read again (bounded) until `count` of them show (the by-day index is eventually consistent).
 */
async function entriesOfRequests(window: { from: string; to: string }, requestIds: Set<string>, count: number): Promise<Map<string, Entry[]>> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = new Map<string, Entry[]>();
    let total = 0;
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ ...window, limit: '100', ...(cursor ? { cursor } : {}) });
      const page = await ok(admin('GET', `/audit?${query}`, undefined, AUDITOR));
      for (const entry of page.body.items as Entry[]) {
        if (entry.requestId === null || !requestIds.has(entry.requestId)) continue;
        found.set(entry.requestId, [...(found.get(entry.requestId) ?? []), entry]);
        total += 1;
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    if (total >= count) return found;
    if (Date.now() > deadline) throw new Error(`${total} of ${count} entries of the workload's requests in ${JSON.stringify(window)} after ${WAIT_MS} ms`);
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
