import { randomUUID } from 'node:crypto';
import { adminToken, api, partnerKey, type ApiReply } from '../support/e2e-client';

/**
 * Content over HTTP through the local runtime: drafted and edited by one editor (versions kept),
 * submitted through the content_publish approval (the state machine on the local Step Functions
 * endpoint), refused to its author, approved by another editor, published and read by the demo
 * partner (content:read); a rejected submission returns to draft; drafts never reach the partner.
 */
jest.setTimeout(60_000);

const AUTHOR = 'editor@example.com';

async function eventually(read: () => Promise<ApiReply>, check: (reply: ApiReply) => boolean, timeoutMs = 15_000): Promise<ApiReply> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const reply = await read();
    if (check(reply) || Date.now() > until) return reply;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let reviewerToken: string;
const as = (token: string) => (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  api(method, `/admin/v1${path}`, { token, ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });
const author = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => as(adminToken(AUTHOR))(method, path, body, headers);
const reviewer = (method: string, path: string, body?: unknown) => as(reviewerToken)(method, path, body);
const partner = (path: string) => api('GET', `/partner/v1${path}`, { apiKey: partnerKey('demo-shop') });
const partnerText = async () => (await partner('/content?limit=100')).text;

beforeAll(async () => {
  // A second editor: four eyes means the author's approval is refused.
  const email = `reviewer-${randomUUID().slice(0, 8)}@example.com`;
  const created = await api('POST', '/admin/v1/staff', { token: adminToken(), body: { email, name: 'Rita Reviewer', roles: ['editor'] } });
  expect(created.status).toBe(201);
  const token = await api('POST', '/local/token', { body: { email } });
  expect(token.status).toBe(200);
  reviewerToken = token.body.token;
});

const stepOpen = (id: string) => eventually(() => reviewer('GET', `/approvals/${id}`), (r) => r.body?.steps?.[0]?.status === 'open');
const settled = (id: string) => eventually(() => author('GET', `/content/${id}`), (r) => r.body?.status !== 'in_review');

it('drafted, edited (versions kept), submitted, approved by another editor, published and read by a partner', async () => {
  const slug = `delivery-${randomUUID().slice(0, 8)}`;
  const created = await author('POST', '/content', { title: 'Delivery', body: 'First draft: DRAFT-ONE', slug });
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  expect(created.body).toMatchObject({ status: 'draft', latestVersion: 1 });
  expect((await author('POST', '/content', { title: 'Again', body: 'x', slug })).status).toBe(409);

  const edited = await author('PUT', `/content/${id}`, { title: 'Delivery times', body: 'We ship within two days.' }, { 'if-match': '"1"' });
  expect(edited.status).toBe(200);
  expect(edited.headers.get('etag')).toBe('"2"');
  const versions = await author('GET', `/content/${id}/versions`);
  expect(versions.body.items.map((v: { number: number; body: string }) => [v.number, v.body])).toEqual([
    [1, 'First draft: DRAFT-ONE'],
    [2, 'We ship within two days.'],
  ]);

  // A draft never reaches the partner.
  expect((await partner(`/content/${slug}`)).status).toBe(404);
  expect(await partnerText()).not.toContain(slug);

  const submitted = await author('POST', `/content/${id}/submit`);
  expect(submitted.status).toBe(202);
  expect(submitted.headers.get('location')).toBe(`/admin/v1/approvals/${submitted.body.approval.id}`);
  expect(submitted.body.approval).toMatchObject({ kind: 'content_publish', status: 'pending', steps: [{ role: 'editor' }] });
  const approvalId: string = submitted.body.approval.id;
  expect((await author('GET', `/content/${id}`)).body.status).toBe('in_review');
  expect((await partner(`/content/${slug}`)).status).toBe(404);

  await stepOpen(approvalId);
  const own = await author('POST', `/approvals/${approvalId}/approve`, {});
  expect(own.status).toBe(403);
  expect(own.headers.get('content-type')).toBe('application/problem+json');
  expect((await api('POST', `/admin/v1/approvals/${approvalId}/approve`, { token: adminToken('support@example.com'), body: {} })).status).toBe(403);
  const approved = await reviewer('POST', `/approvals/${approvalId}/approve`, { comment: 'Clear and correct' });
  expect(approved.status).toBe(200);

  const published = await settled(id);
  expect(published.body).toMatchObject({ status: 'published', publishedVersion: 2, publishedAt: expect.any(String) });
  const read = await eventually(() => partner(`/content/${slug}`), (r) => r.status === 200);
  expect(read.status).toBe(200);
  expect(read.body).toEqual({ id, slug, title: 'Delivery times', body: 'We ship within two days.', version: 2, publishedAt: published.body.publishedAt });
  const list = await partner('/content?limit=100');
  expect(list.body.items.find((c: { slug: string }) => c.slug === slug)).toMatchObject({ body: 'We ship within two days.' });
  expect(list.text).not.toContain('DRAFT-ONE');
});

it('a rejected submission returns to draft; the partner keeps reading the published version, never the draft', async () => {
  const slug = `returns-${randomUUID().slice(0, 8)}`;
  const id: string = (await author('POST', '/content', { title: 'Returns', body: 'Thirty days to return.', slug })).body.id;
  const first = (await author('POST', `/content/${id}/submit`)).body.approval.id;
  await stepOpen(first);
  expect((await reviewer('POST', `/approvals/${first}/approve`, {})).status).toBe(200);
  expect((await settled(id)).body.status).toBe('published');

  // A new draft, submitted and rejected.
  expect((await author('PUT', `/content/${id}`, { title: 'Returns', body: 'UNAPPROVED: sixty days.' })).body).toMatchObject({ status: 'draft', publishedVersion: 1, latestVersion: 2 });
  const second = await author('POST', `/content/${id}/submit`);
  expect(second.status).toBe(202);
  await stepOpen(second.body.approval.id);
  expect(await partnerText()).not.toContain('UNAPPROVED');
  const rejected = await reviewer('POST', `/approvals/${second.body.approval.id}/reject`, { comment: 'Legal has not agreed' });
  expect(rejected.body).toMatchObject({ status: 'rejected' });
  const back = await settled(id);
  expect(back.body).toMatchObject({ status: 'draft', latestVersion: 2, publishedVersion: 1 });
  expect((await partner(`/content/${slug}`)).body).toMatchObject({ body: 'Thirty days to return.', version: 1 });
  expect(await partnerText()).not.toContain('UNAPPROVED');

  // Unpublished: gone for the partner.
  expect((await author('POST', `/content/${id}/unpublish`)).status).toBe(200);
  expect((await partner(`/content/${slug}`)).status).toBe(404);
  expect(await partnerText()).not.toContain(slug);
});
