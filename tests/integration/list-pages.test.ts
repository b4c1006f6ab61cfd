import { randomUUID } from 'node:crypto';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { handler as auditConsumer } from '../../functions/audit/consumer';
import { handler as auditHandler } from '../../functions/audit/handler';
import { auditRoutes } from '../../functions/audit/routes';
import { handler as iamHandler } from '../../functions/iam/handler';
import { iamRoutes } from '../../functions/iam/routes';
import { newId } from '../../functions/shared/ids';
import { asStaff, order, productWithStock, type CallOptions } from '../support/commerce';
import { adminEvent, lambdaContext, parse, routeById, type ParsedResponse } from '../support/lambda-events';
import { useOwnTable } from '../support/local-approvals';
import { createStaff } from '../support/staff';

/**
 * A list page is followed by a cursor only when more items exist: 6 items at limit=2 are exactly 3
 * pages (the last with nextCursor null), 5 items 3 pages, none one empty page. Against DynamoDB Local,
 * on a table of this file's own, so each list's partition holds only what the test put there.
 */
jest.setTimeout(120_000);

let admin: string;
let auditor: string;

beforeAll(async () => {
  await useOwnTable('lists');
  admin = await createStaff(['admin']);
  auditor = await createStaff(['auditor']);
});

interface Walk {
  /** The ids of every page, in order. */
  pages: string[][];
  /** Whether only the last page lacked a cursor. */
  lastCursorNull: boolean;
}

/** Follows nextCursor from the first page to the end (at most 10 pages). */
async function walk(list: (cursor?: string) => Promise<ParsedResponse>, idOf: (item: Record<string, unknown>) => string = (item) => String(item.id)): Promise<Walk> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  let cursors = 0;
  do {
    const res = await list(cursor);
    expect(res.status).toBe(200);
    pages.push((res.body.items as Record<string, unknown>[]).map(idOf));
    cursor = res.body.nextCursor ?? undefined;
    if (cursor) cursors += 1;
  } while (cursor && pages.length < 10);
  return { pages, lastCursorNull: cursor === undefined && cursors === pages.length - 1 };
}

/** Grows a list from 0 to 5 to 6 items and walks it at limit=2 each time. */
async function expectHonestPages(add: () => Promise<string>, list: (cursor?: string) => Promise<ParsedResponse>, idOf?: (item: Record<string, unknown>) => string, keep: (id: string) => boolean = () => true) {
  const ids: string[] = [];
  const walkIds = async () => {
    const result = await walk(list, idOf);
    expect(result.lastCursorNull).toBe(true);
    return result.pages.map((page) => page.filter(keep));
  };
  expect(await walkIds()).toEqual([[]]);
  for (let i = 0; i < 5; i++) ids.push(await add());
  const five = await walkIds();
  expect(five.map((page) => page.length)).toEqual([2, 2, 1]);
  expect(five.flat().sort()).toEqual([...ids].sort());
  ids.push(await add());
  const six = await walkIds();
  expect(six.map((page) => page.length)).toEqual([2, 2, 2]);
  expect(six.flat().sort()).toEqual([...ids].sort());
}

const withCursor = (query: Record<string, string>, cursor?: string) => ({ ...query, limit: '2', ...(cursor ? { cursor } : {}) });

it('products by status (gsi1) and all products (gsi2)', async () => {
  const create = async () => {
    const res = await asStaff(admin, 'createProduct', { body: { sku: `L-${newId()}`, name: 'Lamp', price: { amount: 100, currency: 'EUR' }, status: 'archived' } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  await expectHonestPages(create, (cursor) => asStaff(admin, 'listProducts', { query: withCursor({ status: 'archived' }, cursor) }));
});

it('orders by status', async () => {
  const productId = await productWithStock(admin, 20);
  const place = async () => (await order(admin, [{ productId, quantity: 1 }])).id as string;
  await expectHonestPages(place, (cursor) => asStaff(admin, 'listOrders', { query: withCursor({ status: 'pending_payment' }, cursor) }));
});

const iam = async (operationId: string, options: CallOptions = {}) =>
  parse(await iamHandler(adminEvent(routeById(iamRoutes, operationId), { staffId: admin, ...options }), lambdaContext()));

it('roles: the built-in roles head the first page, custom roles page after them', async () => {
  const create = async () => {
    const name = `r-${newId().toLowerCase().slice(-10)}`;
    expect((await iam('createRole', { body: { name, permissions: ['products:read'] } })).status).toBe(201);
    return name;
  };
  const first = await iam('listRoles', { query: { limit: '2' } });
  const builtIn = (first.body.items as { name: string; builtIn: boolean }[]).filter((role) => role.builtIn).map((role) => role.name);
  expect(builtIn.length).toBeGreaterThan(0);
  await expectHonestPages(create, (cursor) => iam('listRoles', { query: withCursor({}, cursor) }), (role) => String(role.name), (name) => !builtIn.includes(name));
});

it("partner keys (the partner heads its keys' index partition)", async () => {
  const partner = await iam('createPartner', { body: { name: 'Shop', scopes: ['catalog:read'] } });
  expect(partner.status).toBe(201);
  const issue = async () => {
    const res = await iam('issuePartnerKey', { params: { id: partner.body.id }, body: {} });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  await expectHonestPages(issue, (cursor) => iam('listPartnerKeys', { params: { id: partner.body.id }, query: withCursor({}, cursor) }));
});

describe('audit entries', () => {
  const actor = `staff:${newId()}`;
  const entityId = newId();
  let previous: Record<string, unknown> | undefined;
  let version = 0;

  /** One more change of the product, through the audit consumer (as its stream record would be). */
  async function change(): Promise<string> {
    version += 1;
    const item = { pk: `PRODUCT#${entityId}`, sk: 'PRODUCT', entityType: 'product', id: entityId, name: `Mug ${version}`, version, updatedAt: new Date(Date.now() + version).toISOString(), updatedBy: actor, requestId: `req-${version}`, sourceIp: '198.51.100.7' };
    const image = (value: Record<string, unknown>) => marshall(value, { removeUndefinedValues: true }) as unknown as Record<string, AttributeValue>;
    const record: DynamoDBRecord = {
      eventID: randomUUID(),
      eventName: previous ? 'MODIFY' : 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: { SequenceNumber: String(version).padStart(21, '0'), ...(previous ? { OldImage: image(previous) } : {}), NewImage: image(item) },
    };
    previous = item;
    const result = await auditConsumer({ Records: [record] }, lambdaContext('audit-consumer'));
    expect(result).toEqual({ batchItemFailures: [] });
    return String(version);
  }
  const list = async (query: Record<string, string>) =>
    parse(await auditHandler(adminEvent(routeById(auditRoutes, 'listAuditEntries'), { staffId: auditor, query }), lambdaContext()));

  it("by entity (the table's partition) and by actor (the byActor index)", async () => {
    const bySeq = (entry: Record<string, unknown>) => String(entry.seq);
    await expectHonestPages(change, (cursor) => list(withCursor({ entityType: 'product', entityId }, cursor)), bySeq);
    const byActor = await walk((cursor) => list(withCursor({ actor }, cursor)), bySeq);
    expect(byActor).toEqual({ pages: [['6', '5'], ['4', '3'], ['2', '1']], lastCursorNull: true });
    // A filter on the entity's chain keeps paging until the chain ends: no entry is lost.
    const filtered = await walk((cursor) => list(withCursor({ entityType: 'product', entityId, actor }, cursor)), bySeq);
    expect(filtered.pages.flat()).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(filtered.lastCursorNull).toBe(true);
  });
});
