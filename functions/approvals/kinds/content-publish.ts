import * as z from 'zod';
import { Id } from '../../shared/schemas';
import { defineKind } from './kind';

/**
 * Publishing content (DESIGN §7 → editor). Its policy is in force; the content module (a later
 * issue) requests it and adds `apply` (publish) and `reject` (back to draft) here.
 */
export const ContentPublishSubject = z.object({ contentId: Id, title: z.string() });

export const contentPublish = defineKind<z.infer<typeof ContentPublishSubject>>({
  kind: 'content_publish',
  subject: ContentPublishSubject,
  summary: (s) => `Publish “${s.title}”`,
});
