import * as z from 'zod';
import { Actor, Id, Pagination, Timestamp } from '../shared/schemas';

export const CONTENT_STATUSES = ['draft', 'in_review', 'published'] as const;
export const ContentStatus = z.lazy(() => z.enum(CONTENT_STATUSES));

/** Lower-case words joined by single hyphens: `shipping-times`, `returns-2026`. */
export const Slug = z.lazy(() =>
  z
    .string()
    .min(1)
    .max(120)
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Lower-case letters and digits in words joined by single hyphens'),
);

const Title = z.lazy(() => z.string().trim().min(1).max(200));
/** Bodies are text (Markdown or HTML as the editors choose); a piece holds its draft and published copies in one item. */
export const MAX_BODY_CHARS = 100_000;
const Body = z.lazy(() => z.string().min(1).max(MAX_BODY_CHARS));

export const CreateContentBody = z.lazy(() => z.strictObject({ title: Title, body: Body, slug: Slug }));
export const UpdateContentBody = z.lazy(() => z.strictObject({ title: Title, body: Body }));
export const ListContentQuery = z.lazy(() => z.strictObject({ status: ContentStatus.optional(), ...Pagination }));
export const SlugParams = z.lazy(() => z.strictObject({ slug: Slug }));

export const Content = z.lazy(() =>
  z
    .object({
      id: Id,
      slug: Slug,
      title: z.string().describe('Of the latest version'),
      body: z.string().describe('Of the latest version'),
      status: ContentStatus.describe('Of the latest version: draft (being edited), in_review (waiting for its approval) or published'),
      latestVersion: z.int().min(1),
      publishedVersion: z.int().min(1).optional().describe('The version partners read; it stays published while a newer one is drafted or reviewed'),
      publishedAt: Timestamp.optional(),
      submittedVersion: z.int().min(1).optional(),
      pendingApprovalId: Id.optional(),
      version: z.int().min(1).describe('Optimistic-locking version of the piece (ETag)'),
      createdAt: Timestamp,
      createdBy: Actor,
      updatedAt: Timestamp,
      updatedBy: Actor,
    })
    .meta({ id: 'Content' }),
);

export const ContentVersion = z.lazy(() =>
  z
    .object({
      contentId: Id,
      number: z.int().min(1),
      title: z.string(),
      body: z.string(),
      createdAt: Timestamp,
      createdBy: Actor,
    })
    .meta({ id: 'ContentVersion' }),
);

/** What partners read: the published version only. */
export const PartnerContent = z.lazy(() =>
  z
    .object({
      id: Id,
      slug: Slug,
      title: z.string(),
      body: z.string(),
      version: z.int().min(1).describe('The published version'),
      publishedAt: Timestamp,
    })
    .meta({ id: 'PartnerContent' }),
);

export type Content = z.infer<typeof Content>;
export type ContentStatus = z.infer<typeof ContentStatus>;
export type ContentVersion = z.infer<typeof ContentVersion>;
export type PartnerContent = z.infer<typeof PartnerContent>;
export type CreateContentInput = z.infer<typeof CreateContentBody>;
export type UpdateContentInput = z.infer<typeof UpdateContentBody>;
