import { newId } from '../shared/ids';
import { logger } from '../shared/logger';
import type { WriteContext } from '../shared/write-context';
import { insertApproval, saveApproval, type TransactItem } from './approval-repository';
import { fail, newApproval, type ApprovalRecord } from './approval-state';
import type { ApprovalKindPlugin } from './kinds/kind';
import { runOutcome } from './outcomes';
import { stepsFor } from './policy';
import { currentPolicy } from './policies';
import type { PolicyStep } from './schemas';
import { startWorkflow } from './workflow-client';

/**
 * The seam every command that may need an approval uses (DESIGN §7):
 *   const steps = await approvalSteps(kind, subject);
 *   if (steps.length === 0) → execute now;
 *   else → const approval = await requestApproval(kind, subject, steps, (approval) => [mark the subject], ctx) → 202.
 */

/** The steps the current policy asks for this change (none: execute it now). */
export async function approvalSteps<S extends Record<string, unknown>>(kind: ApprovalKindPlugin<S>, subject: S): Promise<PolicyStep[]> {
  const policy = await currentPolicy();
  return stepsFor(policy.kinds[kind.kind], kind.measure?.(subject));
}

/**
 * Stores the approval together with the subject's "pending approval" writes (one transaction: a
 * lost subject condition throws SubjectConditionFailed for the caller to explain) and starts its
 * workflow. If the workflow cannot be started the subject is returned to its prior state and the
 * approval fails, so nothing waits forever.
 */
export async function requestApproval<S extends Record<string, unknown>>(
  kind: ApprovalKindPlugin<S>,
  subject: S,
  steps: PolicyStep[],
  subjectWrites: (approval: ApprovalRecord) => TransactItem[],
  ctx: WriteContext,
): Promise<ApprovalRecord> {
  const id = newId();
  const record = newApproval({ id, kind: kind.kind, subject: kind.subject.parse(subject), summary: kind.summary(subject), steps }, ctx);
  await insertApproval(record, subjectWrites(record));
  try {
    await startWorkflow(id);
  } catch (error) {
    logger.error('Could not start the approval workflow; rolling the request back', { approvalId: id, error });
    await runOutcome(kind as unknown as ApprovalKindPlugin, record, 'revertedAt', ctx).catch((revertError: unknown) => logger.error('Rollback failed', { approvalId: id, error: revertError }));
    await saveApproval(fail(record, { error: 'WorkflowNotStarted' }, ctx), record.version).catch(() => undefined);
    throw error;
  }
  return record;
}
