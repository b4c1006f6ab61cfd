import { tableName } from '../shared/db';
import { getRecord, queryPage, updateRecord } from '../shared/item-repository';
import { contentKeys, GSI1, GSI2, GSI3, uniqueKeys } from '../shared/keys';
import type { NamedAction } from '../shared/transaction-repository';
import { claimPut } from '../shared/unique-repository';
import { buildUpdate } from '../shared/update-expression';
import { stampOf, type WriteContext } from '../shared/write-context';
import type { ContentStatus } from './schemas';

/**
 * A content piece is one item (entityType `content`): its latest title and body, and while it is
 * published a copy of the published version (`published`), which is all partners ever read. Every
 * edit adds an immutable version item (entityType `content_version`) in the piece's partition. The
 * slug is claimed by an item of its own (`UNIQUE#SLUG#…`) in the creating transaction.
 */
export interface PublishedCopy {
  version: number;
  title: string;
  body: string;
  publishedAt: string;
  approvalId?: string;
}

export interface ContentRecord {
  id: string;
  slug: string;
  title: string;
  body: string;
  status: ContentStatus;
  latestVersion: number;
  published?: PublishedCopy;
  submittedVersion?: number;
  pendingApprovalId?: string;
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  requestId?: string;
  sourceIp?: string;
}

export interface ContentVersionRecord {
  contentId: string;
  number: number;
  title: string;
  body: string;
  createdAt: string;
  createdBy: string;
}

export const CONTENT_ACTION = 'content';
export const SLUG_ACTION = 'slug';

export function findContent(id: string): Promise<ContentRecord | undefined> {
  return getRecord<ContentRecord>(contentKeys.byId(id));
}

export function findContentVersion(contentId: string, n: number): Promise<ContentVersionRecord | undefined> {
  return getRecord<ContentVersionRecord>(contentKeys.version(contentId, n));
}

function versionPut(version: ContentVersionRecord, ctx: WriteContext): NamedAction {
  return {
    name: 'version',
    action: {
      Put: {
        TableName: tableName(),
        Item: { ...contentKeys.version(version.contentId, version.number), entityType: 'content_version', ...version, ...stampOf(ctx) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

/** A new piece: the piece, its first version and its slug claim (one transaction). */
export function contentCreateActions(content: ContentRecord, first: ContentVersionRecord, ctx: WriteContext): NamedAction[] {
  return [
    {
      name: CONTENT_ACTION,
      action: {
        Put: {
          TableName: tableName(),
          Item: {
            ...contentKeys.byId(content.id),
            ...contentKeys.byStatus(content.status, content.createdAt, content.id),
            ...contentKeys.all(content.createdAt, content.id),
            entityType: 'content',
            ...content,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    },
    versionPut(first, ctx),
    { name: SLUG_ACTION, action: claimPut({ key: uniqueKeys.contentSlug(content.slug), field: 'slug', value: content.slug, ownerId: content.id }, ctx) },
  ];
}

interface ContentChange {
  set?: Record<string, unknown>;
  remove?: string[];
  /** The new status (moves the piece to that status list). */
  status?: ContentStatus;
  /** Conditions, with their own `#names` and `:values`. */
  condition: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/** A conditional update of the piece (version bumped, stamped); on a lost condition DynamoDB returns the piece it saw. */
function contentUpdate(id: string, change: ContentChange, ctx: WriteContext) {
  const set: Record<string, unknown> = { ...stampOf(ctx), ...change.set };
  if (change.status) {
    set.status = change.status;
    set.gsi2pk = contentKeys.byStatusPartition(change.status);
  }
  const update = buildUpdate({ set, remove: change.remove, increment: { version: 1 } });
  return {
    Update: {
      TableName: tableName(),
      Key: contentKeys.byId(id),
      UpdateExpression: update.UpdateExpression,
      ConditionExpression: `attribute_exists(pk) AND ${change.condition}`,
      ExpressionAttributeNames: { ...update.ExpressionAttributeNames, ...change.names },
      ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ...change.values },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  };
}

const atVersion = (expected: number) => ({ condition: '#v = :expected', names: { '#v': 'version' }, values: { ':expected': expected } });

/** An edit: the next version item and the piece's latest title/body (back to draft), over the version read, never while in review. */
export function contentEditActions(current: ContentRecord, next: ContentVersionRecord, ctx: WriteContext): NamedAction[] {
  const v = atVersion(current.version);
  return [
    {
      name: CONTENT_ACTION,
      action: contentUpdate(
        current.id,
        {
          set: { title: next.title, body: next.body, latestVersion: next.number },
          status: 'draft',
          condition: `${v.condition} AND #s <> :review`,
          names: { ...v.names, '#s': 'status' },
          values: { ...v.values, ':review': 'in_review' },
        },
        ctx,
      ),
    },
    versionPut(next, ctx),
  ];
}

/** The published copy and its index keys (partners' list, by slug). */
function publishSet(content: Pick<ContentRecord, 'slug'>, version: ContentVersionRecord, at: string, approvalId?: string) {
  const published: PublishedCopy = { version: version.number, title: version.title, body: version.body, publishedAt: at, ...(approvalId ? { approvalId } : {}) };
  return { published, ...contentKeys.published(content.slug) };
}

/** Submitting a draft for its publishing approval: → in_review, over the version read (a write of the approval's transaction). */
export function markSubmitted(current: ContentRecord, approvalId: string, ctx: WriteContext): NamedAction {
  const v = atVersion(current.version);
  return {
    name: CONTENT_ACTION,
    action: contentUpdate(
      current.id,
      {
        set: { pendingApprovalId: approvalId, submittedVersion: current.latestVersion },
        status: 'in_review',
        condition: `${v.condition} AND #s = :draft`,
        names: { ...v.names, '#s': 'status' },
        values: { ...v.values, ':draft': 'draft' },
      },
      ctx,
    ),
  };
}

/** One conditional UpdateItem of the piece (outside a transaction); a lost condition throws ConditionFailed with the piece DynamoDB saw. */
function updateContentItem(action: ReturnType<typeof contentUpdate>): Promise<ContentRecord> {
  const { Key, UpdateExpression, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues } = action.Update;
  return updateRecord<ContentRecord>(Key as never, { UpdateExpression, ExpressionAttributeNames, ExpressionAttributeValues }, ConditionExpression);
}

/** Publishing without an approval (a policy without a rule for content_publish): draft → published, over the version read. */
export function publishNow(current: ContentRecord, version: ContentVersionRecord, ctx: WriteContext): Promise<ContentRecord> {
  const v = atVersion(current.version);
  return updateContentItem(
    contentUpdate(
      current.id,
      {
        set: publishSet(current, version, ctx.at),
        status: 'published',
        condition: `${v.condition} AND #s = :draft`,
        names: { ...v.names, '#s': 'status' },
        values: { ...v.values, ':draft': 'draft' },
      },
      ctx,
    ),
  );
}

/** The approved version goes live: in_review → published, only while the piece waits for this approval (so at most once). */
export function applyPublish(content: Pick<ContentRecord, 'id' | 'slug'>, approvalId: string, version: ContentVersionRecord, ctx: WriteContext): NamedAction {
  return {
    name: CONTENT_ACTION,
    action: contentUpdate(
      content.id,
      {
        set: publishSet(content, version, ctx.at, approvalId),
        remove: ['pendingApprovalId', 'submittedVersion'],
        status: 'published',
        condition: '#pending = :approval',
        names: { '#pending': 'pendingApprovalId' },
        values: { ':approval': approvalId },
      },
      ctx,
    ),
  };
}

/** A rejected (or expired, failed) submission: back to draft, only while the piece waits for this approval. */
export function rejectSubmission(contentId: string, approvalId: string, ctx: WriteContext): NamedAction {
  return {
    name: CONTENT_ACTION,
    action: contentUpdate(
      contentId,
      {
        remove: ['pendingApprovalId', 'submittedVersion'],
        status: 'draft',
        condition: '#pending = :approval',
        names: { '#pending': 'pendingApprovalId' },
        values: { ':approval': approvalId },
      },
      ctx,
    ),
  };
}

/**
 * Takes the published copy down (partners no longer see the piece): one conditional update, no read.
 * A piece that is not in review becomes a draft; one in review (`inReview`, then conditioned on that
 * state) stays there. With `expectedVersion`, only over that version.
 */
export function unpublish(id: string, inReview: boolean, expectedVersion: number | undefined, ctx: WriteContext): Promise<ContentRecord> {
  const v = expectedVersion === undefined ? undefined : atVersion(expectedVersion);
  return updateContentItem(
    contentUpdate(
      id,
      {
        remove: ['published', 'gsi1pk', 'gsi1sk'],
        status: inReview ? 'in_review' : 'draft',
        condition: ['attribute_exists(#published)', inReview ? '#s = :review' : '#s <> :review', ...(v ? [v.condition] : [])].join(' AND '),
        names: { '#published': 'published', '#s': 'status', ...v?.names },
        values: { ':review': 'in_review', ...v?.values },
      },
      ctx,
    ),
  );
}

/** Pieces of one status, or every piece, newest first (one Query). */
export function queryContent(status: ContentStatus | undefined, limit: number, startKey?: Record<string, unknown>) {
  return status
    ? queryPage<ContentRecord>({ index: GSI2, partition: contentKeys.byStatusPartition(status), limit, startKey })
    : queryPage<ContentRecord>({ index: GSI3, partition: contentKeys.allPartition(), limit, startKey });
}

/** Published pieces by slug (one Query of the sparse published index). */
export function queryPublished(limit: number, startKey?: Record<string, unknown>) {
  return queryPage<ContentRecord>({ index: GSI1, partition: contentKeys.publishedPartition(), limit, startKey, descending: false });
}

/** The published piece with this slug, if any (one Query: an exact range of the published index). */
export async function findPublishedBySlug(slug: string): Promise<ContentRecord | undefined> {
  const page = await queryPage<ContentRecord>({ index: GSI1, partition: contentKeys.publishedPartition(), sortRange: contentKeys.publishedSlug(slug), limit: 1 });
  return page.items[0];
}

/** A page of the piece's versions, oldest first. */
export function queryContentVersions(contentId: string, limit: number, startKey?: Record<string, unknown>) {
  return queryPage<ContentVersionRecord>({ partition: contentKeys.partition(contentId), sortPrefix: contentKeys.versionPrefix(), limit, startKey, descending: false });
}
