import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { requireEnv } from '../shared/env';
import { logger } from '../shared/logger';

/**
 * The approvals state machine, through the real SFN client (module scope, one per container).
 * Locally AWS_ENDPOINT_URL_SFN points it at the local Step Functions endpoint.
 */
const client = new SFNClient({ maxAttempts: 3 });

/** The error a rejection fails the waiting task with (the state machine catches it). */
export const REJECTED_ERROR = 'Approval.Rejected';

/** Starts the workflow of an approval; the execution is named after it, so a repeated start is idempotent. */
export async function startWorkflow(approvalId: string): Promise<string> {
  const { executionArn } = await client.send(
    new StartExecutionCommand({
      stateMachineArn: requireEnv('APPROVALS_STATE_MACHINE_ARN'),
      name: approvalId,
      input: JSON.stringify({ approvalId }),
    }),
  );
  return executionArn!;
}

const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * Hands a recorded decision to the waiting task. A task that is gone (it timed out a moment earlier)
 * is not an error: the workflow reads the recorded decision from the approval when it moves on.
 */
export async function sendDecision(taskToken: string, approved: boolean, comment: string | undefined): Promise<void> {
  try {
    if (approved) {
      await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ decision: 'approved' }) }));
    } else {
      await client.send(
        new SendTaskFailureCommand({ taskToken, error: REJECTED_ERROR, cause: (comment ?? 'Rejected').slice(0, 256) }),
      );
    }
  } catch (error) {
    if (error instanceof Error && GONE.has(error.name)) {
      logger.warn('The decided task no longer waits; the workflow picks the decision up from the approval', { error: error.name });
      return;
    }
    throw error;
  }
}
