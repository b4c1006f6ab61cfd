import * as z from 'zod/mini';
import { defineKind, OutcomeRefused } from '../approvals/kind';
import { DAY, policyStep } from '../approvals/policy';
import { Id, described } from '../shared/schemas';
import { TransactionCancelled } from '../shared/transaction-repository';
import { applyPublish, CONTENT_ACTION, findContentVersion, rejectSubmission } from './content-repository';

/**
 * Publishing content (by default → editor). Submitting a draft (functions/content) puts the piece
 * `in_review` with this approval's id; approval publishes exactly the submitted version (a copy of
 * that immutable version becomes what partners read), rejection returns the piece to draft. Both
 * are conditioned on the piece still waiting for this approval, so they happen at most once.
 */
export const ContentPublishSubject = z.lazy(() =>
  z.object({
    contentId: Id,
    slug: z.string(),
    title: z.string(),
    contentVersion: described(z.int().check(z.minimum(1)), 'The submitted version'),
  }),
);
export type ContentPublishSubject = z.infer<typeof ContentPublishSubject>;

export const contentPublish = defineKind<ContentPublishSubject>({
  kind: 'content_publish',
  subject: ContentPublishSubject,
  defaultPolicy: { rules: [{ steps: [policyStep('editor', 3 * DAY, 'reject')] }] },
  summary: (s) => `Publish “${s.title}” (${s.slug}, version ${s.contentVersion})`,
  async apply(s, ctx) {
    const version = await findContentVersion(s.contentId, s.contentVersion);
    if (!version) throw new OutcomeRefused('The submitted version no longer exists');
    try {
      await ctx.commit([applyPublish({ id: s.contentId, slug: s.slug }, ctx.approvalId, version, ctx.write)]);
    } catch (error) {
      if (error instanceof TransactionCancelled && error.failed(CONTENT_ACTION)) throw new OutcomeRefused('The content no longer waits for this approval');
      throw error;
    }
  },
  async reject(s, ctx) {
    try {
      await ctx.commit([rejectSubmission(s.contentId, ctx.approvalId, ctx.write)]);
    } catch (error) {
      // The piece no longer waits for this approval (nothing to return): record the outcome alone.
      if (error instanceof TransactionCancelled && error.failed(CONTENT_ACTION)) await ctx.commit([]);
      else throw error;
    }
  },
});
