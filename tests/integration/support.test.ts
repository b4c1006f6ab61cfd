import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { advanceClock } from '../../functions/shared/clock';
import { newId } from '../../functions/shared/ids';
import { handler as supportHandler } from '../../functions/support/handler';
import { supportRoutes } from '../../functions/support/routes';
import { SINGLE_TABLE } from '../../functions/shared/schema/tables';
import { ensureTable, localDynamoClient } from '../../local/dynamodb';
import { asPartner as commercePartner, customer, order, partnerCustomer, productWithStock } from '../support/commerce';
import { adminEvent, lambdaContext, parse, partnerEvent, routeById, type ParsedResponse } from '../support/lambda-events';
import { createStaff } from '../support/staff';

/**
 * Support tickets against DynamoDB Local: filing (staff and partners, idempotent), the lifecycle with
 * its history, assignment rules, If-Match, comments, and every list — on a table of this file's own, so
 * the overdue list (driven by this process's clock) holds exactly this file's tickets.
 */
jest.setTimeout(30_000);

type Handler = (event: never, context: Context) => Promise<APIGatewayProxyResult>;
const handler = supportHandler as unknown as Handler;
type Options = { params?: Record<string, string>; query?: Record<string, string>; body?: unknown; headers?: Record<string, string> };

const asStaff = async (staffId: string, operationId: string, options: Options = {}): Promise<ParsedResponse> =>
  parse(await handler(adminEvent(routeById(supportRoutes, operationId), { staffId, ...options }) as never, lambdaContext()));
const asPartner = async (partnerId: string, operationId: string, options: Options & { scopes?: string[] } = {}): Promise<ParsedResponse> =>
  parse(await handler(partnerEvent(routeById(supportRoutes, operationId), { partnerId, scopes: ['tickets:write'], ...options }) as never, lambdaContext()));

let admin: string;
let support: string;
let support2: string;
let finance: string;

beforeAll(async () => {
  process.env.TABLE_NAME = `Backoffice-support-${newId().slice(-8)}`;
  const client = localDynamoClient(process.env.AWS_ENDPOINT_URL_DYNAMODB!);
  await ensureTable(client, SINGLE_TABLE, process.env.TABLE_NAME);
  client.destroy();
  [admin, support, support2, finance] = await Promise.all([createStaff(['admin']), createStaff(['support']), createStaff(['support']), createStaff(['finance'])]);
});

const ticket = async (as: string, body: Record<string, unknown> = {}) => {
  const created = await asStaff(as, 'createTicket', { body: { subject: 'Parcel missing', description: 'Never arrived', priority: 'normal', ...body } });
  if (created.status !== 201) throw new Error(`createTicket: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body;
};
const run = (as: string, operationId: string, id: string, options: Options = {}) => asStaff(as, operationId, { params: { id }, ...options });
const history = async (id: string) => (await run(support, 'getTicketHistory', id)).body.items;

/** Every ticket of a list (all pages). */
async function listAll(as: string, query: Record<string, string>): Promise<Array<{ id: string; status: string; overdue: boolean }>> {
  const items: Array<{ id: string; status: string; overdue: boolean }> = [];
  let cursor: string | undefined;
  do {
    const page = await asStaff(as, 'listTickets', { query: { ...query, limit: '100', ...(cursor ? { cursor } : {}) } });
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor);
  return items;
}
const ids = (items: Array<{ id: string }>) => items.map((t) => t.id);

describe('filing a ticket', () => {
  it('opens it for the customer and order, due after the SLA of its priority, with its creation in the history', async () => {
    const customerId = await customer(admin);
    const placed = await order(admin, [{ productId: await productWithStock(admin, 5), quantity: 1 }], customerId);
    const created = await asStaff(support, 'createTicket', {
      body: { subject: 'Wrong size', description: 'Sent M, ordered L', customerId, orderId: placed.id, priority: 'high' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/admin/v1/tickets/${created.body.id}`);
    expect(created.headers.etag).toBe('"1"');
    expect(created.body).toMatchObject({ status: 'open', priority: 'high', customerId, orderId: placed.id, version: 1, overdue: false, createdBy: `staff:${support}` });
    expect(Date.parse(created.body.dueAt) - Date.parse(created.body.createdAt)).toBe(8 * 3_600_000);
    expect(await history(created.body.id)).toEqual([{ from: null, to: 'open', actor: `staff:${support}`, at: created.body.createdAt }]);
    expect((await run(finance, 'getTicket', created.body.id)).status).toBe(403);
  });

  it('takes the customer from the linked order; refuses unknown customers and orders of another customer', async () => {
    const customerId = await customer(admin);
    const placed = await order(admin, [{ productId: await productWithStock(admin, 5), quantity: 1 }], customerId);
    expect((await ticket(support, { orderId: placed.id })).customerId).toBe(customerId);
    const unknown = await asStaff(support, 'createTicket', { body: { subject: 's', description: 'd', priority: 'low', customerId: newId() } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ path: 'body.customerId', message: 'No such customer' }]);
    const other = await asStaff(support, 'createTicket', { body: { subject: 's', description: 'd', priority: 'low', customerId: await customer(admin), orderId: placed.id } });
    expect(other.status).toBe(400);
    expect(other.body.errors[0].path).toBe('body.orderId');
    const noPriority = await asStaff(support, 'createTicket', { body: { subject: 's', description: 'd' } });
    expect(noPriority.status).toBe(400);
    const mass = await asStaff(support, 'createTicket', { body: { subject: 's', description: 'd', priority: 'low', status: 'closed' } });
    expect(mass.status).toBe(400);
  });
});

describe('the lifecycle', () => {
  it('open → assigned → in_progress → resolved → closed → reopened, every transition in the history', async () => {
    const { id } = await ticket(support);
    const assigned = await run(support, 'assignTicket', id, { body: { assigneeId: support2 }, headers: { 'if-match': '"1"' } });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ status: 'assigned', assigneeId: support2, version: 2 });
    expect((await run(support2, 'startTicket', id)).body).toMatchObject({ status: 'in_progress', version: 3 });
    const resolved = await run(support2, 'resolveTicket', id, { body: { resolution: 'Resent the parcel' } });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolution: 'Resent the parcel', resolvedAt: expect.any(String), version: 4 });
    const closed = await run(support2, 'closeTicket', id);
    expect(closed.body).toMatchObject({ status: 'closed', closedAt: expect.any(String) });
    const reopened = await run(support, 'reopenTicket', id, { body: { reason: 'Still missing' } });
    expect(reopened.body).toMatchObject({ status: 'assigned', assigneeId: support2, version: 6 });
    expect(reopened.body.resolvedAt).toBeUndefined();
    expect(reopened.body.closedAt).toBeUndefined();
    expect(Date.parse(reopened.body.dueAt) - Date.parse(reopened.body.updatedAt)).toBe(24 * 3_600_000);
    const events = await history(id);
    expect(events.map((e: { from: string | null; to: string }) => [e.from, e.to])).toEqual([
      [null, 'open'],
      ['open', 'assigned'],
      ['assigned', 'in_progress'],
      ['in_progress', 'resolved'],
      ['resolved', 'closed'],
      ['closed', 'assigned'],
    ]);
    expect(events[1]).toMatchObject({ actor: `staff:${support}`, assigneeId: support2 });
    expect(events[3]).toMatchObject({ actor: `staff:${support2}`, reason: 'Resent the parcel', at: resolved.body.updatedAt });
    expect(events[5]).toMatchObject({ reason: 'Still missing' });
  });

  it('reopens to the unassigned queue with unassign; resolving again sets a new resolvedAt', async () => {
    const { id } = await ticket(support);
    await run(support, 'assignTicket', id, { body: { assigneeId: support } });
    const first = (await run(support, 'resolveTicket', id, { body: {} })).body;
    expect(first.resolution).toBeUndefined();
    const reopened = await run(support, 'reopenTicket', id, { body: { unassign: true } });
    expect(reopened.body.status).toBe('open');
    expect(reopened.body.assigneeId).toBeUndefined();
    expect(ids(await listAll(support, { list: 'unassigned' }))).toContain(id);
    expect(ids(await listAll(support, { list: 'mine' }))).not.toContain(id);
    await run(support, 'assignTicket', id, { body: { assigneeId: support2 } });
    advanceClock(1_000);
    const second = (await run(support2, 'resolveTicket', id, { body: {} })).body;
    expect(second.resolvedAt > first.resolvedAt).toBe(true);
    expect((await history(id)).map((e: { to: string }) => e.to)).toEqual(['open', 'assigned', 'resolved', 'open', 'assigned', 'resolved']);
  });

  it('refuses an illegal transition with 409 naming the current state, and changes nothing', async () => {
    const { id } = await ticket(support);
    const resolve = await run(support, 'resolveTicket', id, { body: {} });
    expect(resolve.status).toBe(409);
    expect(resolve.headers['content-type']).toBe('application/problem+json');
    expect(resolve.body.detail).toBe('The ticket is open: only a ticket that is assigned or in_progress can be resolved');
    expect((await run(support, 'startTicket', id)).body.detail).toContain('The ticket is open');
    expect((await run(support, 'closeTicket', id)).status).toBe(409);
    expect((await run(support, 'reopenTicket', id, { body: {} })).body.detail).toContain('only a ticket that is resolved or closed can be reopened');
    expect((await run(support, 'getTicket', id)).body).toMatchObject({ status: 'open', version: 1 });
    expect(await history(id)).toHaveLength(1);
    expect((await run(support, 'startTicket', newId())).status).toBe(404);
  });

  it('answers a stale If-Match with 412 before the state, also when the command makes no read', async () => {
    const { id } = await ticket(support);
    await run(support, 'assignTicket', id, { body: { assigneeId: support } });
    for (const command of ['startTicket', 'resolveTicket', 'closeTicket']) {
      const headers = { 'if-match': '"1"' };
      const stale = await run(support, command, id, command === 'resolveTicket' ? { body: {}, headers } : { headers });
      expect({ command, status: stale.status, detail: stale.body.detail }).toEqual({ command, status: 412, detail: 'The ticket is at version 2, not 1' });
    }
    expect((await run(support, 'startTicket', id, { headers: { 'if-match': '"2"' } })).body).toMatchObject({ status: 'in_progress', version: 3 });
    expect((await run(support, 'getTicket', id)).body).toMatchObject({ status: 'in_progress', version: 3 });
  });

  it('assigns only active staff who work on tickets', async () => {
    const { id } = await ticket(support);
    const notSupport = await run(support, 'assignTicket', id, { body: { assigneeId: finance } });
    expect(notSupport.status).toBe(400);
    expect(notSupport.body.errors[0]).toEqual({ path: 'body.assigneeId', message: 'The staff member does not work on tickets (no tickets:write permission)' });
    expect((await run(support, 'assignTicket', id, { body: { assigneeId: newId() } })).status).toBe(400);
    const leaving = await createStaff(['support']);
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { documentClient } = await import('../../functions/shared/db');
    const { staffKeys } = await import('../../functions/shared/keys');
    await documentClient.send(new UpdateCommand({ TableName: process.env.TABLE_NAME, Key: staffKeys.byId(leaving), UpdateExpression: 'SET #s = :d', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':d': 'disabled' } }));
    expect((await run(support, 'assignTicket', id, { body: { assigneeId: leaving } })).body.errors[0].message).toBe('The staff member is disabled');
    expect((await run(admin, 'assignTicket', id, { body: { assigneeId: admin } })).body.status).toBe('assigned');
  });

  it('If-Match: a stale version is 412; of two racing assignments on the same version one wins', async () => {
    const { id } = await ticket(support);
    expect((await run(support, 'assignTicket', id, { body: { assigneeId: support }, headers: { 'if-match': '"7"' } })).status).toBe(412);
    const race = await Promise.all([
      run(support, 'assignTicket', id, { body: { assigneeId: support } }),
      run(support2, 'assignTicket', id, { body: { assigneeId: support2 } }),
    ]);
    const statuses = race.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([200, 409]).toContain(statuses[1]);
    const final = (await run(support, 'getTicket', id)).body;
    expect(final.version).toBe(1 + race.filter((r) => r.status === 200).length);
    expect(await history(id)).toHaveLength(final.version);
  });
});

describe('comments', () => {
  it('adds internal and customer-visible comments, lists them oldest first, and refuses them on a closed ticket', async () => {
    const { id } = await ticket(support);
    const internal = await run(support, 'createTicketComment', id, { body: { body: 'Checked with the carrier', visibility: 'internal' } });
    expect(internal.status).toBe(201);
    expect(internal.body).toMatchObject({ ticketId: id, visibility: 'internal', author: `staff:${support}` });
    await run(support2, 'createTicketComment', id, { body: { body: 'We are on it', visibility: 'customer' } });
    const listed = await run(support, 'listTicketComments', id);
    expect(listed.body.items.map((c: { body: string; visibility: string }) => [c.body, c.visibility])).toEqual([
      ['Checked with the carrier', 'internal'],
      ['We are on it', 'customer'],
    ]);
    expect((await run(support, 'createTicketComment', id, { body: { body: 'x', visibility: 'public' } })).status).toBe(400);
    expect((await run(support, 'createTicketComment', newId(), { body: { body: 'x', visibility: 'internal' } })).status).toBe(404);
    await run(support, 'assignTicket', id, { body: { assigneeId: support } });
    await run(support, 'resolveTicket', id, { body: {} });
    await run(support, 'closeTicket', id);
    const closed = await run(support, 'createTicketComment', id, { body: { body: 'late', visibility: 'internal' } });
    expect(closed.status).toBe(409);
    expect((await run(support, 'listTicketComments', id)).body.items).toHaveLength(2);
  });
});

describe('lists', () => {
  it('mine, unassigned, by status and by customer, each from its own index', async () => {
    const me = await createStaff(['support']);
    const customerId = await customer(admin);
    const a = await ticket(support, { customerId, priority: 'urgent' });
    const b = await ticket(support, { customerId, priority: 'low' });
    const c = await ticket(support);
    await run(support, 'assignTicket', a.id, { body: { assigneeId: me } });
    await run(support, 'assignTicket', b.id, { body: { assigneeId: me } });
    await run(me, 'startTicket', b.id);
    expect(ids(await listAll(me, { list: 'mine' }))).toEqual([a.id, b.id]);
    const unassigned = ids(await listAll(support, { list: 'unassigned' }));
    expect(unassigned).toContain(c.id);
    expect(unassigned).not.toContain(a.id);
    expect(ids(await listAll(support, { status: 'in_progress' }))).toContain(b.id);
    expect(ids(await listAll(support, { customerId }))).toEqual([b.id, a.id]);
    await run(me, 'resolveTicket', a.id, { body: {} });
    expect(ids(await listAll(me, { list: 'mine' }))).toEqual([b.id]);
    expect(ids(await listAll(support, { status: 'resolved' }))).toContain(a.id);
    const both = await asStaff(support, 'listTickets', { query: { list: 'mine', status: 'open' } });
    expect(both.status).toBe(400);
    expect((await asStaff(support, 'listTickets', {})).status).toBe(400);
  });

  it('overdue: active tickets past their SLA by the clock, earliest due first; resolving takes a ticket off', async () => {
    const urgent = await ticket(support, { priority: 'urgent' });
    const high = await ticket(support, { priority: 'high' });
    const before = await listAll(support, { list: 'overdue' });
    expect(ids(before)).not.toContain(urgent.id);
    advanceClock(4 * 3_600_000 + 1_000);
    const after4h = await listAll(support, { list: 'overdue' });
    expect(ids(after4h)).toContain(urgent.id);
    expect(ids(after4h)).not.toContain(high.id);
    expect(after4h.find((t) => t.id === urgent.id)).toMatchObject({ overdue: true, status: 'open' });
    expect((await run(support, 'getTicket', urgent.id)).body.overdue).toBe(true);
    advanceClock(4 * 3_600_000);
    const after8h = ids(await listAll(support, { list: 'overdue' }));
    expect(after8h.indexOf(urgent.id)).toBeLessThan(after8h.indexOf(high.id));
    await run(support, 'assignTicket', urgent.id, { body: { assigneeId: support } });
    expect(ids(await listAll(support, { list: 'overdue' }))).toContain(urgent.id);
    const resolved = await run(support, 'resolveTicket', urgent.id, { body: {} });
    expect(resolved.body.overdue).toBe(false);
    expect(ids(await listAll(support, { list: 'overdue' }))).not.toContain(urgent.id);
    // Reopening starts a new SLA clock: not overdue again until its priority's hours pass.
    await run(support, 'reopenTicket', urgent.id, { body: {} });
    expect(ids(await listAll(support, { list: 'overdue' }))).not.toContain(urgent.id);
  });
});

describe('partners', () => {
  it('file tickets for their customers about their own orders only, with an Idempotency-Key', async () => {
    const partnerId = newId();
    const customerId = await partnerCustomer(partnerId);
    const productId = await productWithStock(admin, 5);
    const own = await commercePartner(partnerId, 'partnerCreateOrder', { body: { customerId, lines: [{ productId, quantity: 1 }] }, headers: { 'Idempotency-Key': newId() } });
    expect(own.status).toBe(201);
    const foreign = await order(admin, [{ productId, quantity: 1 }], customerId);
    const body = { subject: 'Damaged', description: 'Box crushed', customerId, orderId: own.body.id, priority: 'high' };
    const key = newId();
    const filed = await asPartner(partnerId, 'partnerCreateTicket', { body, headers: { 'Idempotency-Key': key } });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ status: 'open', partnerId, customerId, orderId: own.body.id });
    expect(filed.body.createdBy).toBeUndefined();
    expect(filed.body.updatedBy).toBeUndefined();
    const replay = await asPartner(partnerId, 'partnerCreateTicket', { body, headers: { 'Idempotency-Key': key } });
    expect(replay).toMatchObject({ status: 201, body: filed.body, headers: { 'idempotent-replayed': 'true' } });
    expect((await asPartner(partnerId, 'partnerCreateTicket', { body: { ...body, subject: 'Other' }, headers: { 'Idempotency-Key': key } })).status).toBe(422);
    expect((await asPartner(partnerId, 'partnerCreateTicket', { body })).status).toBe(400);
    const notOwn = await asPartner(partnerId, 'partnerCreateTicket', { body: { ...body, orderId: foreign.id }, headers: { 'Idempotency-Key': newId() } });
    expect(notOwn.status).toBe(400);
    expect(notOwn.body.errors).toEqual([{ path: 'body.orderId', message: 'No such order' }]);
    const { customerId: _c, ...noCustomer } = body;
    expect((await asPartner(partnerId, 'partnerCreateTicket', { body: noCustomer, headers: { 'Idempotency-Key': newId() } })).status).toBe(400);
    expect((await ids(await listAll(support, { customerId }))).filter((id) => id === filed.body.id)).toHaveLength(1);
    // Staff see who filed it.
    expect((await run(support, 'getTicket', filed.body.id)).body).toMatchObject({ partnerId, createdBy: `partner:${partnerId}` });
  });

  it('name only customers they may act for when no order is given', async () => {
    const partnerId = newId();
    const own = await partnerCustomer(partnerId);
    const others = await partnerCustomer(newId());
    const body = { subject: 'Where is my parcel', description: 'No tracking yet', priority: 'normal' };
    const filed = await asPartner(partnerId, 'partnerCreateTicket', { body: { ...body, customerId: own }, headers: { 'Idempotency-Key': newId() } });
    expect(filed).toMatchObject({ status: 201, body: { customerId: own, partnerId } });
    const foreign = await asPartner(partnerId, 'partnerCreateTicket', { body: { ...body, customerId: others }, headers: { 'Idempotency-Key': newId() } });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors).toEqual([{ path: 'body.customerId', message: 'No such customer' }]);
    // Nothing was stored for the other partner's customer.
    expect(await listAll(support, { customerId: others })).toEqual([]);
  });
});
