import { newId } from '../shared/ids';
import type { WriteContext } from '../shared/write-context';
import { insertApproval } from './approval-repository';
import { newApproval, type ApprovalRecord } from './approval-state';
import type { ApprovalKindPlugin } from './kind';
import { stepsFor } from './policy';
import { currentPolicy, kindPolicyOf } from './policies';
import { policyVersionCheck } from './policy-repository';
import type { PolicyStep } from './schemas';
import type { NamedAction } from '../shared/transaction-repository';

/**
 * The seam every command that may need an approval uses (docs/architecture.md#approvals):
 *   const steps = await approvalSteps(kind, subject);
 *   if (steps.length === 0) → execute now;
 *   else → const approval = await requestApproval(kind, subject, steps, (approval) => [mark the subject], ctx) → 202.
 */

/** The steps the current policy asks for this change (none: execute it now). */
export async function approvalSteps<S extends Record<string, unknown>>(kind: ApprovalKindPlugin<S>, subject: S): Promise<PolicyStep[]> {
  const policy = await currentPolicy();
  return stepsFor(kindPolicyOf(policy, kind), kind.measure?.(subject));
}

/** The policy this container last read; a command relying on it checks its version in its own transaction. */
let knownPolicy: Awaited<ReturnType<typeof currentPolicy>> | undefined;

/**
 * The steps for this change by the policy this container last read (read now when there is none, or
 * when `fresh`), with the ConditionCheck that holds the command's transaction to that policy version.
 * A command that executes at once adds `check` to its transaction; if the policy changed meanwhile the
 * check fails (TransactionCancelled, action POLICY_ACTION) and the command decides again with `fresh`.
 * Steady state: no policy read at all, and no staleness either. A decision that asks for approval is
 * taken on a fresh read (`fromCache` tells the caller), so a stale cache never holds a change back.
 */
export async function cachedApprovalSteps<S extends Record<string, unknown>>(
  kind: ApprovalKindPlugin<S>,
  subject: S,
  fresh = false,
): Promise<{ steps: PolicyStep[]; check: NamedAction; fromCache: boolean }> {
  const fromCache = !fresh && knownPolicy !== undefined;
  if (!fromCache) knownPolicy = await currentPolicy();
  const policy = knownPolicy!;
  return { steps: stepsFor(kindPolicyOf(policy, kind), kind.measure?.(subject)), check: policyVersionCheck(policy.version), fromCache };
}

/**
 * Stores the approval together with the subject's "pending approval" writes (one transaction: a
 * lost subject condition throws TransactionCancelled, naming the subject's action, for the caller to explain). Its workflow is
 * started from the table's stream (functions/approvals/starter.ts, the outbox of docs/architecture.md#approvals), so an
 * approval and its workflow cannot part: no request can fail between writing one and starting the other.
 */
export async function requestApproval<S extends Record<string, unknown>>(
  kind: ApprovalKindPlugin<S>,
  subject: S,
  steps: PolicyStep[],
  subjectWrites: (approval: ApprovalRecord) => NamedAction[],
  ctx: WriteContext,
): Promise<ApprovalRecord> {
  const record = newApproval({ id: newId(), kind: kind.kind, subject: kind.subject.parse(subject), summary: kind.summary(subject), steps }, ctx);
  await insertApproval(record, subjectWrites(record));
  return record;
}
