import * as z from 'zod/mini';
import { Actor, Id, Pagination, Timestamp, described } from '../shared/schemas';

export const CONTENT_STATUSES = ['draft', 'in_review', 'published'] as const;
export const ContentStatus = z.lazy(() => z.enum(CONTENT_STATUSES));

/** Lower-case words joined by single hyphens: `shipping-times`, `returns-2026`. */
export const Slug = z.lazy(() =>
  z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(120),
      z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Lower-case letters and digits in words joined by single hyphens'),
    ),
);

const Title = z.lazy(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(200)));
/** Bodies are text (Markdown or HTML as the editors choose); a piece holds its draft and published copies in one item. */
export const MAX_BODY_CHARS = 100_000;
const Body = z.lazy(() => z.string().check(z.minLength(1), z.maxLength(MAX_BODY_CHARS)));

export const CreateContentBody = z.lazy(() => z.strictObject({ title: Title, body: Body, slug: Slug }));
export const UpdateContentBody = z.lazy(() => z.strictObject({ title: Title, body: Body }));
export const ListContentQuery = z.lazy(() => z.strictObject({ status: z.optional(ContentStatus), ...Pagination }));
export const SlugParams = z.lazy(() => z.strictObject({ slug: Slug }));

export const Content = z.lazy(() =>
  z
    .object({
      id: Id,
      slug: Slug,
      title: described(z.string(), 'Of the latest version'),
      body: described(z.string(), 'Of the latest version'),
      status: described(ContentStatus, 'Of the latest version: draft (being edited), in_review (waiting for its approval) or published'),
      latestVersion: z.int().check(z.minimum(1)),
      publishedVersion: described(
        z.optional(z.int().check(z.minimum(1))),
        'The version partners read; it stays published while a newer one is drafted or reviewed',
      ),
      publishedAt: z.optional(Timestamp),
      submittedVersion: z.optional(z.int().check(z.minimum(1))),
      pendingApprovalId: z.optional(Id),
      version: described(z.int().check(z.minimum(1)), 'Optimistic-locking version of the piece (ETag)'),
      createdAt: Timestamp,
      createdBy: Actor,
      updatedAt: Timestamp,
      updatedBy: Actor,
    })
    .register(z.globalRegistry, { id: 'Content' }),
);

export const ContentVersion = z.lazy(() =>
  z
    .object({
      contentId: Id,
      number: z.int().check(z.minimum(1)),
      title: z.string(),
      body: z.string(),
      createdAt: Timestamp,
      createdBy: Actor,
    })
    .register(z.globalRegistry, { id: 'ContentVersion' }),
);

/** What partners read: the published version only. */
export const PartnerContent = z.lazy(() =>
  z
    .object({
      id: Id,
      slug: Slug,
      title: z.string(),
      body: z.string(),
      version: described(z.int().check(z.minimum(1)), 'The published version'),
      publishedAt: Timestamp,
    })
    .register(z.globalRegistry, { id: 'PartnerContent' }),
);

export type Content = z.infer<typeof Content>;
export type ContentStatus = z.infer<typeof ContentStatus>;
export type ContentVersion = z.infer<typeof ContentVersion>;
export type PartnerContent = z.infer<typeof PartnerContent>;
export type CreateContentInput = z.infer<typeof CreateContentBody>;
export type UpdateContentInput = z.infer<typeof UpdateContentBody>;
