import type { WriteContext } from '../shared/write-context';
import type { NamedAction } from '../shared/transaction-repository';
import { commitOutcome, outcomeGuard, type Outcome } from './approval-repository';
import type { ApprovalRecord } from './approval-state';
import { OutcomeRefused, type ApprovalKindPlugin, type OutcomeContext } from './kind';
import type { ApprovalStatus } from './schemas';

/** Which approvals an outcome may be recorded on: only an approved one is applied. */
const ALLOWED: Record<Outcome, readonly ApprovalStatus[]> = {
  appliedAt: ['approved'],
  revertedAt: ['pending', 'rejected', 'expired', 'failed'],
};

/**
 * Executes one outcome of an approval through its kind: `appliedAt` runs `apply`, `revertedAt`
 * runs `reject`. The kind's writes are committed with the approval's once-only outcome mark; a kind
 * that writes nothing (or forgets to commit) still gets the mark.
 */
export async function runOutcome(
  kind: ApprovalKindPlugin,
  record: ApprovalRecord,
  outcome: Outcome,
  ctx: WriteContext,
): Promise<'done' | 'already-done'> {
  if (record[outcome]) return 'already-done';
  const guard = outcomeGuard(record.id, outcome, ALLOWED[outcome], ctx);
  let result: 'done' | 'already-done' | undefined;
  const outcomeContext: OutcomeContext = {
    approvalId: record.id,
    write: ctx,
    commit: async (writes: NamedAction[]) => {
      result = await commitOutcome(guard, writes);
      return result;
    },
  };
  const subject = kind.subject.parse(record.subject);
  const run = outcome === 'appliedAt' ? kind.apply : kind.reject;
  if (!run && outcome === 'appliedAt') throw new OutcomeRefused(`Approvals of kind ${kind.kind} cannot be applied yet`);
  if (run) await run.call(kind, subject, outcomeContext);
  return result ?? (await outcomeContext.commit([]));
}
