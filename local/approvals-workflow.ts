import type { Context } from 'aws-lambda';
import { now } from '../functions/shared/clock';
import { renderApprovalDefinition } from '../lib/constructs/approvals';
import { LOCAL_REGION } from './dynamodb';
import { lambdaContext, LOCAL_ACCOUNT_ID } from './http-events';
import { startLocalStepFunctions, type LocalStepFunctions } from './stepfunctions';

/**
 * The approvals workflow locally: the state machine rendered from lib/constructs/approvals.ts (the
 * construct the stack deploys), run by the local Step Functions endpoint, its Lambda tasks mapped to
 * functions/approvals/workflow.ts in-process. Handlers reach it through AWS_ENDPOINT_URL_SFN.
 */
export const LOCAL_APPROVALS_FUNCTION_NAME = 'backoffice-approvals-workflow';
export const LOCAL_APPROVALS_FUNCTION_ARN = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${LOCAL_APPROVALS_FUNCTION_NAME}`;
export const LOCAL_APPROVALS_STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:BackofficeApprovals`;
/** The workflow function's timeout (lib/constructs/approvals.ts). */
const WORKFLOW_TIMEOUT_MS = 30_000;

export type WorkflowHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalApprovals extends LocalStepFunctions {
  /** Set these before any handler loads. */
  environment: { AWS_ENDPOINT_URL_SFN: string; APPROVALS_STATE_MACHINE_ARN: string };
}

export async function startLocalApprovals(options: {
  stateDir: string;
  /** Port of the Step Functions endpoint (default: a free one). */
  port?: number;
  /** Loads functions/approvals/workflow.ts (only once the environment is set). */
  loadWorkflow: () => WorkflowHandler;
  log?: (line: string) => void;
  clockPollMs?: number;
  /**
   * Runs before each task of the workflow function (tests: a slow workflow, e.g. delaying `await`
   * so decisions arrive before the workflow waits at the step). Local only; AWS has no such hook.
   */
  beforeTask?: (event: unknown) => Promise<void>;
}): Promise<LocalApprovals> {
  let workflow: WorkflowHandler | undefined;
  const sfn = await startLocalStepFunctions({
    stateDir: options.stateDir,
    ...(options.port === undefined ? {} : { port: options.port }),
    stateMachines: [{ arn: LOCAL_APPROVALS_STATE_MACHINE_ARN, definition: renderApprovalDefinition(LOCAL_APPROVALS_FUNCTION_ARN) }],
    invoke: async (event, functionArn) => {
      if (functionArn !== LOCAL_APPROVALS_FUNCTION_ARN) throw new Error(`No local function ${functionArn}`);
      workflow ??= options.loadWorkflow();
      await options.beforeTask?.(event);
      return workflow(event, lambdaContext(LOCAL_APPROVALS_FUNCTION_NAME, WORKFLOW_TIMEOUT_MS));
    },
    clock: now,
    ...(options.log ? { log: options.log } : {}),
    ...(options.clockPollMs === undefined ? {} : { clockPollMs: options.clockPollMs }),
  });
  return {
    ...sfn,
    environment: { AWS_ENDPOINT_URL_SFN: sfn.endpoint, APPROVALS_STATE_MACHINE_ARN: LOCAL_APPROVALS_STATE_MACHINE_ARN },
  };
}
