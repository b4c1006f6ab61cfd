import { newId } from '../shared/ids';
import type { WriteContext } from '../shared/write-context';
import { insertApproval, type TransactItem } from './approval-repository';
import { newApproval, type ApprovalRecord } from './approval-state';
import type { ApprovalKindPlugin } from './kinds/kind';
import { stepsFor } from './policy';
import { currentPolicy } from './policies';
import type { PolicyStep } from './schemas';

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
 * lost subject condition throws SubjectConditionFailed for the caller to explain). Its workflow is
 * started from the table's stream (functions/approvals/starter.ts, the outbox of DESIGN §7), so an
 * approval and its workflow cannot part: no request can fail between writing one and starting the other.
 */
export async function requestApproval<S extends Record<string, unknown>>(
  kind: ApprovalKindPlugin<S>,
  subject: S,
  steps: PolicyStep[],
  subjectWrites: (approval: ApprovalRecord) => TransactItem[],
  ctx: WriteContext,
): Promise<ApprovalRecord> {
  const record = newApproval({ id: newId(), kind: kind.kind, subject: kind.subject.parse(subject), summary: kind.summary(subject), steps }, ctx);
  await insertApproval(record, subjectWrites(record));
  return record;
}
