import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { now, nowIso } from '../shared/clock';
import { ConditionFailed } from '../shared/conditional';
import { logger } from '../shared/logger';
import '../shared/zod-locale';
import type { WriteContext } from '../shared/write-context';
import { findApproval, saveApproval } from './approval-repository';
import { fail, nextAction, openStep, StepNotOpen, timeOutStep, type ApprovalRecord, type NextAction } from './approval-state';
import { approvalKinds } from '../approval-kinds';
import { OutcomeRefused } from './kind';
import { runOutcome } from './outcomes';

/**
 * The tasks of the approvals state machine (lib/constructs/approvals.ts), one Lambda dispatching on
 * `action`. Every action reads the approval and is safe to repeat: the state machine retries tasks,
 * and a resumed or retried step finds its work done.
 *
 * - `next`: what comes next — wait for a step, apply, or reject (from the approval's state);
 * - `await`: the workflow waits at the open step: record its task token (a step decided before the
 *   workflow got there fails this with Approval.StepNotOpen, and the state machine goes on to `next`);
 * - `timeout`: the step's time ran out: escalate or expire (as the policy says);
 * - `apply` / `reject`: execute the outcome through the approval's kind, exactly once;
 * - `fail`: something could not be done: the approval fails, the subject returns to its prior state.
 */

const Event = z.lazy(() =>
  z.discriminatedUnion('action', [
    z.object({ action: z.literal('next'), approvalId: z.string() }),
    z.object({
      action: z.literal('await'),
      approvalId: z.string(),
      stepIndex: z.int().check(z.minimum(0)),
      timeoutSeconds: z.int().check(z.minimum(1)),
      taskToken: z.string().check(z.minLength(1)),
    }),
    z.object({ action: z.literal('timeout'), approvalId: z.string(), stepIndex: z.int().check(z.minimum(0)) }),
    z.object({ action: z.literal('apply'), approvalId: z.string() }),
    z.object({ action: z.literal('reject'), approvalId: z.string() }),
    z.object({
      action: z.literal('fail'),
      approvalId: z.string(),
      error: z.optional(z.partial(z.object({ Error: z.string(), Cause: z.optional(z.string()) }))),
    }),
  ]),
);
export type WorkflowEvent = z.input<typeof Event>;

/** Errors the state machine routes on (its Catch and Retry name them). */
export const STEP_NOT_OPEN_ERROR = 'Approval.StepNotOpen';

class WorkflowError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

function contextOf(lambda: Context | undefined): WriteContext {
  return { actor: 'system:approvals', requestId: lambda?.awsRequestId ?? 'workflow', sourceIp: 'states.amazonaws.com', at: nowIso() };
}

async function load(id: string): Promise<ApprovalRecord> {
  const record = await findApproval(id);
  if (!record) throw new WorkflowError('Approval.NotFound', `Approval ${id} does not exist`);
  return record;
}

/** Read, change, write conditioned on the version read; a concurrent writer (a decision) → read again. */
async function transition(id: string, change: (record: ApprovalRecord) => ApprovalRecord | undefined): Promise<ApprovalRecord> {
  for (let attempt = 0; ; attempt++) {
    const record = await load(id);
    const next = change(record);
    if (!next) return record;
    try {
      await saveApproval(next, record.version);
      return next;
    } catch (error) {
      if (!(error instanceof ConditionFailed) || attempt >= 4) throw error;
    }
  }
}

export type WorkflowResult = NextAction | { ok: true; result?: string };

export const handler = async (raw: unknown, lambda?: Context): Promise<WorkflowResult> => {
  const event = Event.parse(raw);
  const ctx = contextOf(lambda);
  logger.appendKeys({ approvalId: event.approvalId, action: event.action });
  switch (event.action) {
    case 'next':
      return nextAction(await load(event.approvalId), now());
    case 'await':
      try {
        await transition(event.approvalId, (record) => openStep(record, event.stepIndex, event.timeoutSeconds, event.taskToken, ctx));
      } catch (error) {
        // Decided (or over) before the workflow could wait: the state machine goes on to `next`,
        // which reads the decision from the approval. Nobody else holds this task's token.
        if (error instanceof StepNotOpen) throw new WorkflowError(STEP_NOT_OPEN_ERROR, error.message);
        throw error;
      }
      return { ok: true };
    case 'timeout':
      await transition(event.approvalId, (record) => timeOutStep(record, event.stepIndex, ctx));
      return { ok: true };
    case 'apply':
    case 'reject': {
      const record = await load(event.approvalId);
      const kind = approvalKinds.of(record.kind);
      if (!kind) throw new OutcomeRefused(`No plug-in handles approvals of kind ${record.kind}`);
      const result = await runOutcome(kind, record, event.action === 'apply' ? 'appliedAt' : 'revertedAt', ctx);
      logger.info(`Approval outcome ${event.action}: ${result}`);
      return { ok: true, result };
    }
    case 'fail': {
      const error = {
        error: event.error?.Error ?? 'WorkflowFailed',
        ...(event.error?.Cause ? { cause: event.error.Cause.slice(0, 1000) } : {}),
      };
      logger.error('Approval workflow failed', { failure: error });
      const record = await transition(event.approvalId, (current) =>
        current.appliedAt || current.status === 'failed' ? undefined : fail(current, error, ctx),
      );
      const kind = approvalKinds.of(record.kind);
      if (kind && !record.appliedAt && !record.revertedAt) await runOutcome(kind, record, 'revertedAt', ctx);
      return { ok: true };
    }
  }
};
