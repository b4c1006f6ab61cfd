import { ContentPublishSubject, contentPublish } from '../../functions/content/publish-approval';
import { illegalContentTransition, toContent, toPartnerContent } from '../../functions/content/content';
import type { ContentRecord } from '../../functions/content/content-repository';
import { Slug } from '../../functions/content/schemas';

/** Content rules without I/O: what partners can see, the 409 wording, slugs and the approval subject. */
const piece: ContentRecord = {
  id: '01JDEM0C0NTENT000000000001',
  slug: 'shipping',
  title: 'Draft title',
  body: 'DRAFT BODY',
  status: 'draft',
  latestVersion: 3,
  published: { version: 2, title: 'Live title', body: 'Live body', publishedAt: '2026-11-20T10:00:00.000Z', approvalId: '01JAPPROVAL000000000000001' },
  version: 7,
  createdAt: '2026-11-01T10:00:00.000Z',
  createdBy: 'staff:A',
  updatedAt: '2026-11-21T10:00:00.000Z',
  updatedBy: 'staff:B',
  requestId: 'r',
  sourceIp: '127.0.0.1',
};

describe('what partners read', () => {
  it('is built from the published copy only: never the draft title or body', () => {
    const view = toPartnerContent(piece);
    expect(view).toEqual({ id: piece.id, slug: 'shipping', title: 'Live title', body: 'Live body', version: 2, publishedAt: '2026-11-20T10:00:00.000Z' });
    expect(JSON.stringify(view)).not.toMatch(/DRAFT|Draft|staff:/);
  });

  it('a piece without a published copy is not found', () => {
    const { published: _p, ...unpublished } = piece;
    expect(() => toPartnerContent(unpublished)).toThrow(expect.objectContaining({ status: 404 }));
  });

  it('staff see the latest version, and which version is live', () => {
    const view = toContent(piece);
    expect(view).toMatchObject({ title: 'Draft title', body: 'DRAFT BODY', latestVersion: 3, publishedVersion: 2, publishedAt: '2026-11-20T10:00:00.000Z' });
    expect(view).not.toHaveProperty('published');
    expect(view).not.toHaveProperty('requestId');
  });
});

it('an illegal transition is 409 naming the current state', () => {
  const problem = illegalContentTransition('in_review', ['draft', 'published'], 'edited');
  expect(problem.status).toBe(409);
  expect(problem.detail).toBe('The content is in_review: only content that is draft or published can be edited');
});

it.each([
  ['shipping-times', true],
  ['returns-2026', true],
  ['a', true],
  ['Shipping', false],
  ['two--hyphens', false],
  ['-leading', false],
  ['trailing-', false],
  ['with space', false],
  ['ü-mlaut', false],
])('slug %p is valid: %p', (value, valid) => {
  expect(Slug.safeParse(value).success).toBe(valid);
});

it('the approval names the piece and the submitted version', () => {
  const subject = ContentPublishSubject.parse({ contentId: piece.id, slug: 'shipping', title: 'Live title', contentVersion: 3 });
  expect(contentPublish.summary(subject)).toBe('Publish “Live title” (shipping, version 3)');
  expect(ContentPublishSubject.safeParse({ contentId: piece.id, slug: 'shipping', title: 't' }).success).toBe(false);
});
