import { randomUUID } from 'node:crypto';
import { adminToken, api, credentials, type ApiReply } from '../support/e2e-client';

/**
 * A support ticket over HTTP through the local runtime: filed by a partner for its customer, then
 * assignment, comments, resolution and reopening, each transition in the history; the overdue list
 * driven by the runtime's controllable clock.
 *
 * The clock is shared by every e2e file running against this runtime. This file moves it forward
 * only around the overdue reads (past the ticket's SLA) and takes exactly that advance back in a
 * `finally` (`POST /local/clock {"rewindSeconds"}`), so files running beside it see at most a
 * moment of the later time, and the clock is never left ahead because of this file.
 */
jest.setTimeout(60_000);

const ADMIN = 'admin@example.com';
const SUPPORT = 'support@example.com';
const EDITOR = 'editor@example.com';

const staffId = (email: string) => credentials().staff[email]!.id;
const http = (method: string, path: string, as = SUPPORT, body?: unknown, headers?: Record<string, string>): Promise<ApiReply> =>
  api(method, `/admin/v1${path}`, { token: adminToken(as), ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });

async function created(reply: Promise<ApiReply>): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON
  const r = await reply;
  if (r.status !== 201) throw new Error(`${r.status} ${r.text}`);
  return r.body;
}

/** A partner of its own that may place orders and file tickets, with a key. */
async function partner(): Promise<string> {
  const p = await created(http('POST', '/partners', ADMIN, { name: `support-e2e-${randomUUID().slice(0, 8)}`, scopes: ['orders:write', 'tickets:write'] }));
  return (await created(http('POST', `/partners/${p.id}/keys`, ADMIN, {}))).key;
}

async function moveClock(body: { advanceSeconds: number } | { rewindSeconds: number }): Promise<void> {
  const reply = await api('POST', '/local/clock', { body });
  expect(reply.status).toBe(200);
}

const overdueIds = async (): Promise<string[]> => {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: ApiReply = await http('GET', `/tickets?list=overdue&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    ids.push(...page.body.items.map((t: { id: string }) => t.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  return ids;
};

it('a ticket from submission through assignment, comments, overdue, resolution and reopening', async () => {
  // A partner files a ticket for its customer about its own order.
  const apiKey = await partner();
  const product = await created(http('POST', '/products', ADMIN, { sku: `SUP-${randomUUID().slice(0, 8)}`, name: 'Support e2e', price: { amount: 1_500, currency: 'EUR' }, status: 'active' }));
  expect((await http('POST', `/products/${product.id}/stock-adjustments`, ADMIN, { delta: 3, reason: 'Goods received' })).status).toBe(201);
  // The partner's own customer (a partner orders only for customers it may act for).
  const customer = await created(
    api('POST', '/partner/v1/customers', { apiKey, body: { name: 'Support e2e', email: `sup-${randomUUID().slice(0, 8)}@example.com` }, headers: { 'idempotency-key': randomUUID() } }),
  );
  const order = await created(api('POST', '/partner/v1/orders', { apiKey, body: { customerId: customer.id, lines: [{ productId: product.id, quantity: 1 }] }, headers: { 'idempotency-key': randomUUID() } }));
  const body = { subject: 'Parcel never arrived', description: 'Tracking stuck for a week', customerId: customer.id, orderId: order.id, priority: 'high' };
  expect((await api('POST', '/partner/v1/tickets', { apiKey, body })).status).toBe(400); // no Idempotency-Key
  const key = randomUUID();
  const filed = await api('POST', '/partner/v1/tickets', { apiKey, body, headers: { 'idempotency-key': key } });
  expect(filed.status).toBe(201);
  expect(filed.body).toMatchObject({ status: 'open', priority: 'high', customerId: customer.id, orderId: order.id, overdue: false });
  const id: string = filed.body.id;
  const again = await api('POST', '/partner/v1/tickets', { apiKey, body, headers: { 'idempotency-key': key } });
  expect(again.body.id).toBe(id);
  expect((await api('POST', '/partner/v1/tickets', { apiKey: credentials().partnerKeys['demo-shop']!, body, headers: { 'idempotency-key': randomUUID() } })).status).toBe(403);

  // Support finds it unassigned and by customer; an editor may not see tickets.
  expect((await http('GET', '/tickets?list=unassigned&limit=100')).body.items.map((t: { id: string }) => t.id)).toContain(id);
  expect((await http('GET', `/tickets?customerId=${customer.id}`)).body.items.map((t: { id: string }) => t.id)).toEqual([id]);
  expect((await http('GET', `/tickets/${id}`, EDITOR)).status).toBe(403);
  expect((await http('POST', `/tickets/${id}/assign`, SUPPORT, { assigneeId: staffId(EDITOR) })).status).toBe(400);

  // Assignment (with If-Match), work, comments.
  const assigned = await http('POST', `/tickets/${id}/assign`, SUPPORT, { assigneeId: staffId(SUPPORT) }, { 'if-match': '"1"' });
  expect(assigned.status).toBe(200);
  expect(assigned.headers.get('etag')).toBe('"2"');
  expect(assigned.body).toMatchObject({ status: 'assigned', assigneeId: staffId(SUPPORT) });
  expect((await http('POST', `/tickets/${id}/start`, SUPPORT, undefined, { 'if-match': '"1"' })).status).toBe(412);
  expect((await http('GET', '/tickets?list=mine&limit=100')).body.items.map((t: { id: string }) => t.id)).toContain(id);
  expect((await http('POST', `/tickets/${id}/start`)).body.status).toBe('in_progress');
  expect((await http('POST', `/tickets/${id}/comments`, SUPPORT, { body: 'Asked the carrier', visibility: 'internal' })).status).toBe(201);
  expect((await http('POST', `/tickets/${id}/comments`, SUPPORT, { body: 'We are looking into it', visibility: 'customer' })).status).toBe(201);
  const comments = await http('GET', `/tickets/${id}/comments`);
  expect(comments.body.items.map((c: { visibility: string; author: string }) => [c.visibility, c.author])).toEqual([
    ['internal', `staff:${staffId(SUPPORT)}`],
    ['customer', `staff:${staffId(SUPPORT)}`],
  ]);

  // Overdue by the SLA (high: 8 h), on the runtime's clock, which is restored right after.
  expect(await overdueIds()).not.toContain(id);
  const advance = 8 * 3600 + 60;
  await moveClock({ advanceSeconds: advance });
  try {
    expect(await overdueIds()).toContain(id);
    expect((await http('GET', `/tickets/${id}`)).body.overdue).toBe(true);
  } finally {
    await moveClock({ rewindSeconds: advance });
  }
  expect(await overdueIds()).not.toContain(id);

  // Resolution, an illegal move, closing and reopening.
  const resolved = await http('POST', `/tickets/${id}/resolve`, SUPPORT, { resolution: 'Parcel found at the depot' });
  expect(resolved.body).toMatchObject({ status: 'resolved', resolution: 'Parcel found at the depot', resolvedAt: expect.any(String) });
  const illegal = await http('POST', `/tickets/${id}/start`);
  expect(illegal.status).toBe(409);
  expect(illegal.headers.get('content-type')).toBe('application/problem+json');
  expect(illegal.body.detail).toContain('The ticket is resolved');
  const reopened = await http('POST', `/tickets/${id}/reopen`, SUPPORT, { reason: 'Customer says it is the wrong parcel' });
  expect(reopened.body).toMatchObject({ status: 'assigned', assigneeId: staffId(SUPPORT) });
  expect(reopened.body.resolvedAt).toBeUndefined();

  const history = await http('GET', `/tickets/${id}/history`);
  expect(history.status).toBe(200);
  expect(history.body.items.map((e: { from: string | null; to: string; actor: string }) => [e.from, e.to, e.actor])).toEqual([
    [null, 'open', expect.stringMatching(/^partner:/)],
    ['open', 'assigned', `staff:${staffId(SUPPORT)}`],
    ['assigned', 'in_progress', `staff:${staffId(SUPPORT)}`],
    ['in_progress', 'resolved', `staff:${staffId(SUPPORT)}`],
    ['resolved', 'assigned', `staff:${staffId(SUPPORT)}`],
  ]);
  for (const event of history.body.items) expect(typeof event.at).toBe('string');

  // The audit log (from the stream) names the actor of every change of the ticket.
  const until = Date.now() + 15_000;
  let audit: ApiReply;
  do {
    audit = await http('GET', `/audit?entityType=ticket&entityId=${id}&limit=100`, 'auditor@example.com');
    expect(audit.status).toBe(200);
    if (audit.body.items.length >= 5) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  } while (Date.now() < until);
  const actors = new Set(audit.body.items.map((e: { actor: string }) => e.actor));
  expect(actors).toEqual(new Set([expect.stringMatching(/^partner:/), `staff:${staffId(SUPPORT)}`]));
});
