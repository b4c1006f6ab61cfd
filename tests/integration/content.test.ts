import { findApproval } from '../../functions/approvals/approval-repository';
import { DEFAULT_POLICY } from '../../functions/approval-kinds';
import { handler as approvalsHandler } from '../../functions/approvals/handler';
import { approvalRoutes } from '../../functions/approvals/routes';
import { handler as contentHandler } from '../../functions/content/handler';
import { contentRoutes } from '../../functions/content/routes';
import type { RouteSpec } from '../../functions/shared/http/route';
import { newId } from '../../functions/shared/ids';
import { SINGLE_TABLE } from '../../functions/shared/schema/tables';
import { ensureTable, localDynamoClient } from '../../local/dynamodb';
import { adminEvent, lambdaContext, parse, partnerEvent, routeById, type ParsedResponse } from '../support/lambda-events';
import { eventually, startTestApprovals } from '../support/local-approvals';
import { countRequests } from '../support/request-counter';
import { createStaff } from '../support/staff';

/**
 * Content against DynamoDB Local and the local approvals state machine: drafts and immutable
 * versions, unique slugs, submission through the content_publish approval (four eyes), publishing
 * the submitted version, rejection back to draft, unpublishing, and what partners can read. A table
 * of this file's own (it changes the global approval policy, and approvals start from its stream).
 */
jest.setTimeout(30_000);

type Handler = (event: never, context: never) => Promise<unknown>;
type Options = { params?: Record<string, string>; query?: Record<string, string>; body?: unknown; headers?: Record<string, string> };
const caller = (handler: Handler, routes: readonly RouteSpec[]) => async (staffId: string, operationId: string, options: Options = {}): Promise<ParsedResponse> =>
  parse((await handler(adminEvent(routeById(routes, operationId), { staffId, ...options }) as never, lambdaContext() as never)) as never);
const content = caller(contentHandler as Handler, contentRoutes);
const approvals = caller(approvalsHandler as Handler, approvalRoutes);
const partner = async (operationId: string, options: Options = {}): Promise<ParsedResponse> =>
  parse((await (contentHandler as Handler)(partnerEvent(routeById(contentRoutes, operationId), { partnerId: newId(), scopes: ['content:read'], ...options }) as never, lambdaContext() as never)) as never);

let sfn: Awaited<ReturnType<typeof startTestApprovals>>;
let author: string;
let editor2: string;
let support: string;
let admin: string;

beforeAll(async () => {
  process.env.TABLE_NAME = `Backoffice-content-${newId().slice(-8)}`;
  const client = localDynamoClient(process.env.AWS_ENDPOINT_URL_DYNAMODB!);
  await ensureTable(client, SINGLE_TABLE, process.env.TABLE_NAME);
  client.destroy();
  sfn = await startTestApprovals();
  [author, editor2, support, admin] = await Promise.all([createStaff(['editor']), createStaff(['editor']), createStaff(['support']), createStaff(['admin'])]);
}, 60_000);
afterAll(() => sfn?.dispose());

const slug = () => `article-${newId().toLowerCase().slice(-10)}`;
async function draft(title = 'Shipping times', body = 'Orders ship in two days.') {
  const created = await content(author, 'createContent', { body: { title, body, slug: slug() } });
  if (created.status !== 201) throw new Error(`createContent: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body;
}
const get = async (id: string) => (await content(author, 'getContent', { params: { id } })).body;
// Open from the 202 on; waiting for the stored task token means the workflow reached the step (and is idle).
const stepOpen = (id: string) => eventually(() => findApproval(id), (r) => Boolean(r?.taskToken) && r?.steps[0]?.status === 'open');
const settled = (id: string) => eventually(() => get(id), (c) => c.status !== 'in_review');
const partnerSlugs = async () => (await partner('partnerListContent', { query: { limit: '100' } })).body.items.map((c: { slug: string }) => c.slug);

describe('drafting', () => {
  it('creates a draft with version 1 and a unique slug', async () => {
    const created = await content(author, 'createContent', { body: { title: 'Returns', body: 'Thirty days.', slug: 'returns-policy' } });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/admin/v1/content/${created.body.id}`);
    expect(created.headers.etag).toBe('"1"');
    expect(created.body).toMatchObject({ slug: 'returns-policy', status: 'draft', latestVersion: 1, version: 1, createdBy: `staff:${author}` });
    expect(created.body.publishedVersion).toBeUndefined();
    const taken = await content(editor2, 'createContent', { body: { title: 'Other', body: 'x', slug: 'returns-policy' } });
    expect(taken.status).toBe(409);
    expect(taken.body.type).toContain('duplicate-slug');
    expect((await content(author, 'createContent', { body: { title: 'Bad', body: 'x', slug: 'Not A Slug' } })).status).toBe(400);
    expect((await content(author, 'createContent', { body: { title: 'Bad', body: 'x', slug: slug(), status: 'published' } })).status).toBe(400);
    expect((await content(support, 'createContent', { body: { title: 'No', body: 'x', slug: slug() } })).status).toBe(403);
  });

  it('every edit is a new immutable version; the old ones stay', async () => {
    const piece = await draft('v1 title', 'v1 body');
    const edited = await content(editor2, 'updateContent', { params: { id: piece.id }, body: { title: 'v2 title', body: 'v2 body' }, headers: { 'if-match': '"1"' } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ title: 'v2 title', body: 'v2 body', latestVersion: 2, version: 2, status: 'draft' });
    expect((await content(author, 'updateContent', { params: { id: piece.id }, body: { title: 'x', body: 'y' }, headers: { 'if-match': '"1"' } })).status).toBe(412);
    const versions = await content(author, 'listContentVersions', { params: { id: piece.id } });
    expect(versions.body.items.map((v: { number: number; title: string; body: string; createdBy: string }) => [v.number, v.title, v.body, v.createdBy])).toEqual([
      [1, 'v1 title', 'v1 body', `staff:${author}`],
      [2, 'v2 title', 'v2 body', `staff:${editor2}`],
    ]);
    expect((await content(author, 'updateContent', { params: { id: newId() }, body: { title: 'x', body: 'y' } })).status).toBe(404);
  });
});

describe('publishing through the content_publish approval', () => {
  it('submitted (202), refused to its requester, approved by another editor: the submitted version goes live for partners', async () => {
    const piece = await draft('Delivery areas', 'We deliver in the EU.');
    const submitted = await content(author, 'submitContent', { params: { id: piece.id } });
    expect(submitted.status).toBe(202);
    expect(submitted.headers.location).toBe(`/admin/v1/approvals/${submitted.body.approval.id}`);
    expect(submitted.body.approval).toMatchObject({ kind: 'content_publish', status: 'pending', requestedBy: `staff:${author}`, subject: { contentId: piece.id, contentVersion: 1 } });
    const approvalId: string = submitted.body.approval.id;
    expect(await get(piece.id)).toMatchObject({ status: 'in_review', submittedVersion: 1, pendingApprovalId: approvalId });
    // In review: no edits, no second submission, nothing for partners.
    const edit = await content(editor2, 'updateContent', { params: { id: piece.id }, body: { title: 'x', body: 'y' } });
    expect(edit.status).toBe(409);
    expect(edit.body.detail).toBe('The content is in_review: only content that is draft or published can be edited');
    expect((await content(author, 'submitContent', { params: { id: piece.id } })).body.detail).toContain('The content is in_review');
    expect(await partnerSlugs()).not.toContain(piece.slug);
    expect((await partner('partnerGetContent', { params: { slug: piece.slug } })).status).toBe(404);

    await stepOpen(approvalId);
    expect((await approvals(author, 'approveApproval', { params: { id: approvalId }, body: {} })).status).toBe(403);
    expect((await approvals(support, 'approveApproval', { params: { id: approvalId }, body: {} })).status).toBe(403);
    expect((await approvals(editor2, 'approveApproval', { params: { id: approvalId }, body: { comment: 'Reads well' } })).status).toBe(200);
    const published = await settled(piece.id);
    expect(published).toMatchObject({ status: 'published', publishedVersion: 1, latestVersion: 1, publishedAt: expect.any(String) });
    expect(published.pendingApprovalId).toBeUndefined();
    const read = await partner('partnerGetContent', { params: { slug: piece.slug } });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ id: piece.id, slug: piece.slug, title: 'Delivery areas', body: 'We deliver in the EU.', version: 1, publishedAt: published.publishedAt });
    expect(await partnerSlugs()).toContain(piece.slug);

    // A new draft of a published piece: partners keep reading the published version.
    const edited = await content(author, 'updateContent', { params: { id: piece.id }, body: { title: 'Delivery areas (draft)', body: 'SECRET DRAFT' } });
    expect(edited.body).toMatchObject({ status: 'draft', latestVersion: 2, publishedVersion: 1 });
    const still = await partner('partnerGetContent', { params: { slug: piece.slug } });
    expect(still.body).toMatchObject({ body: 'We deliver in the EU.', version: 1 });
    const listed = await partner('partnerListContent', { query: { limit: '100' } });
    expect(JSON.stringify(listed.body)).not.toContain('SECRET DRAFT');

    // That second version submitted and rejected: back to draft, the published version unchanged.
    const second = await content(author, 'submitContent', { params: { id: piece.id } });
    expect(second.status).toBe(202);
    await stepOpen(second.body.approval.id);
    expect(JSON.stringify((await partner('partnerListContent', { query: { limit: '100' } })).body)).not.toContain('SECRET DRAFT');
    expect((await approvals(editor2, 'rejectApproval', { params: { id: second.body.approval.id }, body: { comment: 'Not yet' } })).status).toBe(200);
    const rejected = await settled(piece.id);
    expect(rejected).toMatchObject({ status: 'draft', latestVersion: 2, publishedVersion: 1 });
    expect(rejected.pendingApprovalId).toBeUndefined();
    expect((await partner('partnerGetContent', { params: { slug: piece.slug } })).body.body).toBe('We deliver in the EU.');

    // Unpublished: partners no longer see it.
    const down = await content(author, 'unpublishContent', { params: { id: piece.id } });
    expect(down.status).toBe(200);
    expect(down.body.publishedVersion).toBeUndefined();
    expect((await partner('partnerGetContent', { params: { slug: piece.slug } })).status).toBe(404);
    expect(await partnerSlugs()).not.toContain(piece.slug);
    expect((await content(author, 'unpublishContent', { params: { id: piece.id } })).status).toBe(409);
    expect((await content(author, 'listContentVersions', { params: { id: piece.id } })).body.items).toHaveLength(2);
  });

  it('lists pieces by status', async () => {
    const piece = await draft();
    const drafts = await content(author, 'listContent', { query: { status: 'draft', limit: '100' } });
    expect(drafts.body.items.map((c: { id: string }) => c.id)).toContain(piece.id);
    expect((await content(author, 'listContent', { query: { status: 'published', limit: '100' } })).body.items.map((c: { id: string }) => c.id)).not.toContain(piece.id);
    expect((await content(author, 'listContent', { query: { limit: '1' } })).body.items).toHaveLength(1);
  });

  it('unpublishes in one update: published → draft, an edited draft stays draft, in review stays in review; 404, 412, 409 explained', async () => {
    const policy = await approvals(admin, 'getApprovalPolicy');
    const kinds = { ...DEFAULT_POLICY.kinds, content_publish: { rules: [] } };
    expect((await approvals(admin, 'putApprovalPolicy', { body: { kinds }, headers: { 'if-match': `"${policy.body.version}"` } })).status).toBe(200);
    let inReview: { id: string; slug: string };
    let live: { id: string; slug: string; version: number };
    try {
      const published = await draft('Live', 'Published at once');
      live = (await content(author, 'submitContent', { params: { id: published.id } })).body;
      expect(live).toMatchObject({ status: 'published', version: 2 });
      inReview = await draft('Review', 'First');
      expect((await content(author, 'submitContent', { params: { id: inReview.id } })).body).toMatchObject({ status: 'published' });
      expect((await content(author, 'updateContent', { params: { id: inReview.id }, body: { title: 'Review', body: 'Second' } })).body).toMatchObject({ status: 'draft', version: 3 });
    } finally {
      const current = await approvals(admin, 'getApprovalPolicy');
      await approvals(admin, 'putApprovalPolicy', { body: { kinds: DEFAULT_POLICY.kinds }, headers: { 'if-match': `"${current.body.version}"` } });
    }
    // Published → draft, with and without If-Match; a stale If-Match is 412 and changes nothing.
    const stale = await content(author, 'unpublishContent', { params: { id: live.id }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body.detail).toBe('The content is at version 2, not 1');
    const counter = countRequests();
    counter.reset();
    const down = await content(author, 'unpublishContent', { params: { id: live.id }, headers: { 'if-match': '"2"' } });
    expect(down.status).toBe(200);
    expect(counter.commands()).toEqual(['GetItem', 'UpdateItem']); // the caller's staff record, then the one update
    expect(down.body).toMatchObject({ status: 'draft', version: 3, latestVersion: 1 });
    expect(down.body.publishedVersion).toBeUndefined();
    expect((await partner('partnerGetContent', { params: { slug: live.slug } })).status).toBe(404);
    const again = await content(author, 'unpublishContent', { params: { id: live.id } });
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe('The content is draft and has no published version');
    expect((await content(author, 'unpublishContent', { params: { id: newId() } })).status).toBe(404);

    // In review with an earlier version published: the published copy goes, the review stays.
    const submitted = await content(author, 'submitContent', { params: { id: inReview.id } });
    expect(submitted.status).toBe(202);
    await stepOpen(submitted.body.approval.id); // the workflow started and waits (its reads are not counted below)
    const staleReview = await content(author, 'unpublishContent', { params: { id: inReview.id }, headers: { 'if-match': '"3"' } });
    expect(staleReview.status).toBe(412);
    expect(staleReview.body.detail).toBe('The content is at version 4, not 3');
    counter.reset();
    const reviewDown = await content(author, 'unpublishContent', { params: { id: inReview.id }, headers: { 'if-match': '"4"' } });
    expect(reviewDown.status).toBe(200);
    expect(counter.commands()).toEqual(['GetItem', 'UpdateItem', 'UpdateItem']);
    expect(reviewDown.body).toMatchObject({ status: 'in_review', version: 5, latestVersion: 2, pendingApprovalId: submitted.body.approval.id });
    expect(reviewDown.body.publishedVersion).toBeUndefined();
    expect((await partner('partnerGetContent', { params: { slug: inReview.slug } })).status).toBe(404);
    expect((await content(author, 'listContent', { query: { status: 'in_review', limit: '100' } })).body.items.map((c: { id: string }) => c.id)).toContain(inReview.id);
    expect((await content(author, 'unpublishContent', { params: { id: inReview.id } })).body.detail).toBe('The content is in_review and has no published version');
  });

  it('a policy without a content_publish rule publishes at once (200)', async () => {
    const policy = await approvals(admin, 'getApprovalPolicy');
    const kinds = { ...DEFAULT_POLICY.kinds, content_publish: { rules: [] } };
    expect((await approvals(admin, 'putApprovalPolicy', { body: { kinds }, headers: { 'if-match': `"${policy.body.version}"` } })).status).toBe(200);
    try {
      const piece = await draft('Now', 'Live at once');
      const submitted = await content(author, 'submitContent', { params: { id: piece.id } });
      expect(submitted.status).toBe(200);
      expect(submitted.body).toMatchObject({ status: 'published', publishedVersion: 1 });
      expect((await partner('partnerGetContent', { params: { slug: piece.slug } })).body.body).toBe('Live at once');
    } finally {
      const current = await approvals(admin, 'getApprovalPolicy');
      await approvals(admin, 'putApprovalPolicy', { body: { kinds: DEFAULT_POLICY.kinds }, headers: { 'if-match': `"${current.body.version}"` } });
    }
  });
});
