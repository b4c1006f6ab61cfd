import { toView } from '../approvals/approval-state';
import { contentPublish } from './publish-approval';
import { approvalSteps, requestApproval } from '../approvals/request';
import type { ApprovalView } from '../approvals/schemas';
import { ConditionFailed } from '../shared/conditional';
import { decodeCursor, encodeCursor } from '../shared/cursor';
import { assertVersion, conflict, notFound } from '../shared/errors';
import { newId } from '../shared/ids';
import { TransactionCancelled, transactWrite } from '../shared/transaction-repository';
import { creationStampOf, type WriteContext } from '../shared/write-context';
import {
  CONTENT_ACTION,
  contentCreateActions,
  contentEditActions,
  findContent,
  findContentVersion,
  findPublishedBySlug,
  markSubmitted,
  publishNow as publishNowUpdate,
  queryContent,
  queryContentVersions,
  queryPublished,
  SLUG_ACTION,
  unpublish,
  type ContentRecord,
  type ContentVersionRecord,
} from './content-repository';
import type { Content, ContentStatus, ContentVersion, CreateContentInput, PartnerContent, UpdateContentInput } from './schemas';

/**
 * Content use cases (docs/architecture.md#modules): drafting and editing (every edit an immutable version), submitting
 * for the `content_publish` approval (draft → in_review; the approval publishes the submitted
 * version, a rejection returns it to draft), unpublishing, and what partners read — only the
 * published copy, never a draft or a version in review.
 */

export function toContent(record: ContentRecord): Content {
  const { published, requestId: _r, sourceIp: _s, ...rest } = record;
  return { ...rest, ...(published ? { publishedVersion: published.version, publishedAt: published.publishedAt } : {}) };
}

export function toVersion(record: ContentVersionRecord): ContentVersion {
  const { contentId, number, title, body, createdAt, createdBy } = record;
  return { contentId, number, title, body, createdAt, createdBy };
}

/** The only view partners get: built from the published copy alone. */
export function toPartnerContent(record: ContentRecord): PartnerContent {
  const published = record.published;
  if (!published) throw notFound('Content');
  return { id: record.id, slug: record.slug, title: published.title, body: published.body, version: published.version, publishedAt: published.publishedAt };
}

/** 409 naming the state the piece is in and the states the command needs. */
export function illegalContentTransition(current: string, allowed: readonly ContentStatus[], participle: string) {
  return conflict(`The content is ${current}: only content that is ${allowed.join(' or ')} can be ${participle}`, 'illegal-transition');
}

async function readForCommand(id: string, expectedVersion: number | undefined): Promise<ContentRecord> {
  const current = await findContent(id);
  if (!current) throw notFound('Content');
  assertVersion('content', current.version, expectedVersion);
  return current;
}

/** Why the piece's condition lost: gone, in a state the command cannot start from, or changed meanwhile. */
function explainRace(seen: Record<string, unknown> | undefined, read: ContentRecord, allowed: readonly ContentStatus[], participle: string): Error {
  if (!seen) return notFound('Content');
  if (!allowed.includes(seen.status as ContentStatus)) return illegalContentTransition(String(seen.status), allowed, participle);
  return conflict(`The content changed while this request ran (version ${String(seen.version)}, not ${read.version}); read it again and retry`);
}

// ---------------------------------------------------------------------------------------------
// Drafting

/** A new draft (version 1); the slug is claimed in the same transaction (taken → 409). */
export async function createContent(input: CreateContentInput, ctx: WriteContext): Promise<Content> {
  const content: ContentRecord = {
    id: newId(),
    slug: input.slug,
    title: input.title,
    body: input.body,
    status: 'draft',
    latestVersion: 1,
    version: 1,
    ...creationStampOf(ctx),
  };
  const first: ContentVersionRecord = { contentId: content.id, number: 1, title: input.title, body: input.body, createdAt: ctx.at, createdBy: ctx.actor };
  try {
    await transactWrite(contentCreateActions(content, first, ctx));
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failed(SLUG_ACTION)) throw conflict(`Content with the slug ${input.slug} already exists`, 'duplicate-slug');
    throw error;
  }
  return toContent(content);
}

const EDITABLE: readonly ContentStatus[] = ['draft', 'published'];

/**
 * An edit: a new immutable version (the previous ones stay) and the piece back to draft. A published
 * piece stays live at its published version until the new one is approved. Not while in review.
 */
export async function editContent(id: string, input: UpdateContentInput, expectedVersion: number | undefined, ctx: WriteContext): Promise<Content> {
  const current = await readForCommand(id, expectedVersion);
  if (!EDITABLE.includes(current.status)) throw illegalContentTransition(current.status, EDITABLE, 'edited');
  const next: ContentVersionRecord = { contentId: id, number: current.latestVersion + 1, title: input.title, body: input.body, createdAt: ctx.at, createdBy: ctx.actor };
  try {
    await transactWrite(contentEditActions(current, next, ctx));
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failed(CONTENT_ACTION)) throw explainRace(error.current(CONTENT_ACTION), current, EDITABLE, 'edited');
    throw error;
  }
  return toContent({ ...current, title: next.title, body: next.body, latestVersion: next.number, status: 'draft', version: current.version + 1, updatedAt: ctx.at, updatedBy: ctx.actor });
}

// ---------------------------------------------------------------------------------------------
// Publishing

/**
 * Submits the latest version for publishing: the policy's steps for `content_publish` (default: one
 * editor) → the approval is stored with the piece moved to in_review (one transaction) and answered
 * 202. The requester can never decide it (four eyes, enforced by the approvals module). A policy
 * without a rule publishes at once.
 */
export async function submitContent(id: string, expectedVersion: number | undefined, ctx: WriteContext): Promise<{ approval: ApprovalView } | { content: Content }> {
  const current = await readForCommand(id, expectedVersion);
  if (current.status !== 'draft') throw illegalContentTransition(current.status, ['draft'], 'submitted');
  const subject = { contentId: id, slug: current.slug, title: current.title, contentVersion: current.latestVersion };
  const steps = await approvalSteps(contentPublish, subject);
  if (steps.length === 0) return { content: await publishNow(current, ctx) };
  try {
    const approval = await requestApproval(contentPublish, subject, steps, (approval) => [markSubmitted(current, approval.id, ctx)], ctx);
    return { approval: toView(approval) };
  } catch (error) {
    if (error instanceof TransactionCancelled && error.failed(CONTENT_ACTION)) throw explainRace(error.current(CONTENT_ACTION), current, ['draft'], 'submitted');
    throw error;
  }
}

async function publishNow(current: ContentRecord, ctx: WriteContext): Promise<Content> {
  const version = await findContentVersion(current.id, current.latestVersion);
  if (!version) throw notFound('Content version');
  try {
    return toContent(await publishNowUpdate(current, version, ctx));
  } catch (error) {
    if (error instanceof ConditionFailed) throw explainRace(error.current, current, ['draft'], 'submitted');
    throw error;
  }
}

/**
 * Takes the published version down: partners no longer see the piece. Its latest version stays as
 * it was, except that a piece whose latest version was the published one becomes a draft again.
 *
 * One conditional UpdateItem, no read: it assumes the piece is not in review (published, or a draft
 * edited since) and sets draft. Its condition failing returns the piece as DynamoDB saw it, which
 * says why: gone (404), another version than If-Match (412), nothing published (409) — or in review,
 * which keeps its status: then a second update, conditioned on that state at the version just seen.
 */
export async function unpublishContent(id: string, expectedVersion: number | undefined, ctx: WriteContext): Promise<Content> {
  let seen: ContentRecord;
  try {
    return toContent(await unpublish(id, false, expectedVersion, ctx));
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    seen = explainUnpublish(error.current, expectedVersion);
    if (seen.status !== 'in_review') throw changedMeanwhile(seen, expectedVersion);
  }
  try {
    return toContent(await unpublish(id, true, seen.version, ctx));
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    throw changedMeanwhile(explainUnpublish(error.current, undefined), seen.version);
  }
}

/** The piece an unpublish condition failed on, unless that alone explains the failure (404, 412, 409). */
function explainUnpublish(current: Record<string, unknown> | undefined, expectedVersion: number | undefined): ContentRecord {
  if (!current) throw notFound('Content');
  const seen = current as unknown as ContentRecord;
  assertVersion('content', seen.version, expectedVersion);
  if (!seen.published) throw conflict(`The content is ${seen.status} and has no published version`, 'illegal-transition');
  return seen;
}

const changedMeanwhile = (seen: ContentRecord, expected: number | undefined) =>
  conflict(`The content changed while this request ran (version ${seen.version}${expected === undefined ? '' : `, not ${expected}`}); read it again and retry`);

// ---------------------------------------------------------------------------------------------
// Reading

export async function getContent(id: string): Promise<Content> {
  const content = await findContent(id);
  if (!content) throw notFound('Content');
  return toContent(content);
}

export async function listContent(status: ContentStatus | undefined, limit: number, cursor: string | undefined) {
  const binding = `admin.content|${status ?? '*'}`;
  const page = await queryContent(status, limit, decodeCursor(cursor, binding));
  return { items: page.items.map(toContent), nextCursor: encodeCursor(page.lastKey, binding) };
}

/** Every version of a piece, oldest first (one Query; an unknown piece has none). */
export async function listVersions(id: string, limit: number, cursor: string | undefined) {
  const binding = `admin.content-versions|${id}`;
  const page = await queryContentVersions(id, limit, decodeCursor(cursor, binding));
  return { items: page.items.map(toVersion), nextCursor: encodeCursor(page.lastKey, binding) };
}

/** Partners: published pieces by slug, each at its published version. */
export async function listPublished(limit: number, cursor: string | undefined) {
  const binding = 'partner.content';
  const page = await queryPublished(limit, decodeCursor(cursor, binding));
  return { items: page.items.map(toPartnerContent), nextCursor: encodeCursor(page.lastKey, binding) };
}

/** Partners: one published piece by slug (a draft or unknown slug is 404). */
export async function getPublished(slug: string): Promise<PartnerContent> {
  const content = await findPublishedBySlug(slug);
  if (!content) throw notFound('Content');
  return toPartnerContent(content);
}
