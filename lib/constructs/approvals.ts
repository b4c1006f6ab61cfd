import { App, Duration, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Function as LambdaFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  IntegrationPattern,
  JsonPath,
  LogLevel,
  StateGraph,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
  type IChainable,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { APPROVAL_STARTER_CONSUMER } from '../../functions/shared/schema/stream-consumers';
import { ModuleFunction, type ModuleLogLevel } from './module-function';
import { StreamConsumer } from './stream-consumer';

/**
 * Errors the workflow routes on. They are the `errorType`s of functions/approvals/workflow.ts and
 * functions/approvals/workflow-client.ts (kept as literals here: the CDK app does not load handler code).
 */
export const APPROVAL_ERRORS = {
  /** A decision to reject (SendTaskFailure from the decide route). */
  rejected: 'Approval.Rejected',
  /** The step was decided, or the approval ended, before the step could wait. */
  stepNotOpen: 'Approval.StepNotOpen',
  /** The kind cannot apply or revert the change any more (not worth retrying). */
  outcomeRefused: 'Approval.OutcomeRefused',
  notFound: 'Approval.NotFound',
} as const;

/** Names of the states (the local runtime and the tests refer to them). */
export const APPROVAL_STATES = {
  next: 'NextStep',
  route: 'RouteStep',
  await: 'AwaitDecision',
  timedOut: 'StepTimedOut',
  apply: 'Apply',
  reject: 'Reject',
  markFailed: 'MarkFailed',
  approved: 'Approved',
  rejected: 'Rejected',
  failed: 'Failed',
} as const;

/**
 * Where the state data keeps what NextStep answered (`{outcome, stepIndex, role, timeoutSeconds}`).
 * It is `$.Payload` so that AwaitDecision's `TimeoutSecondsPath` (`$.Payload.timeoutSeconds`) selects
 * the same number whether an engine resolves it against the state's input (Step Functions) or
 * against the task's parameters, whose Lambda payload carries it too (aws-local-stepfunctions).
 */
const STEP = '$.Payload';

/**
 * The approval workflow (docs/architecture.md#approvals), one loop over the approval's steps:
 *
 *   NextStep → RouteStep ─ open ─────→ AwaitDecision ─ approved ─→ NextStep
 *                 │                        ├─ Approval.Rejected / StepNotOpen → NextStep
 *                 │                        └─ States.Timeout → StepTimedOut (escalate | expire) → NextStep
 *                 ├─ approved ─→ Apply ─→ Approved
 *                 ├─ rejected | expired ─→ Reject ─→ Rejected
 *                 └─ otherwise ─→ Failed
 *   any task's unexpected error ─→ MarkFailed ─→ Failed
 *
 * NextStep reads the approval item (the source of truth: decisions, escalations, timeouts are
 * recorded there), so a repeated or resumed task always takes the right turn.
 */
export function approvalWorkflowDefinition(scope: Construct, workflowFunction: IFunction): IChainable {
  const invoke = (id: string, payload: Record<string, unknown>, extra: { resultPath?: string } = {}) =>
    new LambdaInvoke(scope, id, {
      lambdaFunction: workflowFunction,
      payload: TaskInput.fromObject({ approvalId: JsonPath.stringAt('$.approvalId'), ...payload }),
      payloadResponseOnly: true,
      resultPath: extra.resultPath ?? JsonPath.DISCARD,
      taskTimeout: Timeout.duration(Duration.seconds(60)),
    });

  const failed = new Fail(scope, APPROVAL_STATES.failed, { error: 'ApprovalFailed', cause: 'The approval could not be completed; see the approval item' });
  const markFailed = invoke(APPROVAL_STATES.markFailed, { action: 'fail', error: JsonPath.objectAt('$.error') });

  const next = invoke(APPROVAL_STATES.next, { action: 'next' }, { resultPath: STEP });
  const awaitDecision = new LambdaInvoke(scope, APPROVAL_STATES.await, {
    lambdaFunction: workflowFunction,
    integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: TaskInput.fromObject({
      action: 'await',
      approvalId: JsonPath.stringAt('$.approvalId'),
      stepIndex: JsonPath.numberAt(`${STEP}.stepIndex`),
      timeoutSeconds: JsonPath.numberAt(`${STEP}.timeoutSeconds`),
      taskToken: JsonPath.taskToken,
    }),
    taskTimeout: Timeout.at(`${STEP}.timeoutSeconds`),
    resultPath: JsonPath.DISCARD,
  });
  const timedOut = invoke(APPROVAL_STATES.timedOut, { action: 'timeout', stepIndex: JsonPath.numberAt(`${STEP}.stepIndex`) });
  const apply = invoke(APPROVAL_STATES.apply, { action: 'apply' });
  const reject = invoke(APPROVAL_STATES.reject, { action: 'reject' });

  const noRetry = [APPROVAL_ERRORS.rejected, APPROVAL_ERRORS.stepNotOpen, APPROVAL_ERRORS.outcomeRefused, APPROVAL_ERRORS.notFound, 'States.Timeout'];
  for (const task of [next, awaitDecision, timedOut, apply, reject, markFailed]) {
    // Decisions, timeouts and refusals are answers, not faults: never retried. Anything else
    // (throttling, a network error, a crashed function) is retried with backoff.
    task.addRetry({ errors: noRetry, maxAttempts: 0 });
    task.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 4 });
  }
  awaitDecision.addCatch(timedOut, { errors: ['States.Timeout'], resultPath: '$.error' });
  awaitDecision.addCatch(next, { errors: [APPROVAL_ERRORS.rejected, APPROVAL_ERRORS.stepNotOpen], resultPath: '$.error' });
  for (const task of [next, awaitDecision, timedOut, apply, reject]) task.addCatch(markFailed, { errors: ['States.ALL'], resultPath: '$.error' });
  markFailed.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.error' });
  markFailed.next(failed);

  const route = new Choice(scope, APPROVAL_STATES.route)
    .when(Condition.stringEquals(`${STEP}.outcome`, 'open'), awaitDecision)
    .when(Condition.stringEquals(`${STEP}.outcome`, 'approved'), apply)
    .when(Condition.or(Condition.stringEquals(`${STEP}.outcome`, 'rejected'), Condition.stringEquals(`${STEP}.outcome`, 'expired')), reject)
    .otherwise(failed);
  awaitDecision.next(next);
  timedOut.next(next);
  apply.next(new Succeed(scope, APPROVAL_STATES.approved));
  reject.next(new Succeed(scope, APPROVAL_STATES.rejected));
  return next.next(route);
}

export const APPROVAL_WORKFLOW_COMMENT = 'Backoffice approvals: per step a waitForTaskToken task, timeouts escalate or reject, then apply or reject the change';

/** Properties of {@link ApprovalWorkflow}. */
export interface ApprovalWorkflowProps {
  /** The single table (approvals and their subjects live there). */
  readonly table: ITable;
  /** The approvals module's function: it decides steps (SendTaskSuccess / SendTaskFailure). */
  readonly deciderFunction: ModuleFunction;
  /**
   * Retention of the workflow function's and the state machine's log groups.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Powertools log level of the workflow function.
   * @default 'INFO'
   */
  readonly logLevel?: ModuleLogLevel;
}

/**
 * Approvals on Step Functions (docs/architecture.md#approvals): a Standard state machine ({@link approvalWorkflowDefinition})
 * whose tasks run in one function (functions/approvals/workflow.ts), with execution logging and X-Ray.
 * Executions are started from the table's stream by a consumer of their own (functions/approvals/starter.ts:
 * the outbox; modules that request approvals only write the approval item, in the transaction that marks
 * the subject). Least privilege: the state machine may only invoke the workflow function; the starter may
 * only start executions; the decider may only send task success or failure; the workflow function reads
 * and writes the table (it applies approved changes) and nothing else.
 */
export class ApprovalWorkflow extends Construct {
  /** Runs the state machine's tasks. */
  public readonly workflowFunction: ModuleFunction;
  /** The Standard state machine. */
  public readonly stateMachine: StateMachine;
  /** Execution history (events, without execution data: task tokens stay out of the logs). */
  public readonly logGroup: LogGroup;
  /** Starts the execution of each new approval, from the table's stream. */
  public readonly starterFunction: ModuleFunction;
  /** The starter's event source mapping and its on-failure destination. */
  public readonly starter: StreamConsumer;

  constructor(scope: Construct, id: string, props: ApprovalWorkflowProps) {
    super(scope, id);
    const retention = props.logRetention ?? RetentionDays.ONE_MONTH;

    this.workflowFunction = new ModuleFunction(this, 'WorkflowFunction', {
      moduleName: 'approvals-workflow',
      entry: 'functions/approvals/workflow.ts',
      description: 'Backoffice approvals workflow tasks (step inbox, timeouts, apply, reject)',
      table: props.table,
      tableAccess: 'readWrite',
      timeout: Duration.seconds(30),
      logRetention: retention,
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
    });

    this.logGroup = new LogGroup(this, 'ExecutionLogs', { retention });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      comment: APPROVAL_WORKFLOW_COMMENT,
      definitionBody: DefinitionBody.fromChainable(approvalWorkflowDefinition(this, this.workflowFunction)),
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    const workflowArn = `<${Stack.of(this).getLogicalId(this.workflowFunction.node.defaultChild as CfnElement)}.Arn>`;
    Validations.of(this.stateMachine.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${workflowArn}:*]`,
      reason:
        'Generated by the CDK for the Lambda task integration: lambda:InvokeFunction on the versions and aliases of the one ' +
        'workflow function (its unqualified ARN is granted alongside); no other function can be invoked.',
    });
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the statements the CDK adds for execution logging (logs:CreateLogDelivery, logs:GetLogDelivery, …, which CloudWatch ' +
        'Logs vended delivery does not scope to resources) and X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords, ' +
        'xray:GetSamplingRules, xray:GetSamplingTargets, which support no resource-level permissions) use Resource "*".',
    });

    this.starterFunction = new ModuleFunction(this, 'StarterFunction', {
      moduleName: 'approval-starter',
      entry: 'functions/approvals/starter.ts',
      description: 'Backoffice approvals: starts the workflow of each new approval from the table stream',
      table: props.table,
      tableAccess: 'none',
      timeout: Duration.seconds(30),
      memorySize: 256,
      logRetention: retention,
      environment: { APPROVALS_STATE_MACHINE_ARN: this.stateMachine.stateMachineArn },
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
    });
    this.stateMachine.grantStartExecution(this.starterFunction);
    this.starter = new StreamConsumer(this, 'Starter', { table: props.table, handler: this.starterFunction, definition: APPROVAL_STARTER_CONSUMER });

    props.deciderFunction.addEnvironment('APPROVALS_STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    props.deciderFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: [this.stateMachine.stateMachineArn] }),
    );
  }
}

/** A CloudFormation value inside a rendered definition: a string, or Fn::Join / Ref / Fn::GetAtt of them. */
type Intrinsic = string | { 'Fn::Join'?: [string, Intrinsic[]]; Ref?: string; 'Fn::GetAtt'?: [string, string] };

/**
 * Evaluates a state machine's `DefinitionString` from a template (Fn::Join of strings and
 * references) into its Amazon States Language JSON. `resolve` names each reference.
 */
export function aslFromTemplate(definition: unknown, resolve: (ref: { logicalId: string; attribute?: string }) => string): Record<string, unknown> {
  const evaluate = (value: Intrinsic): string => {
    if (typeof value === 'string') return value;
    if (value['Fn::Join']) return value['Fn::Join'][1].map(evaluate).join(value['Fn::Join'][0]);
    if (value.Ref) return resolve({ logicalId: value.Ref });
    if (value['Fn::GetAtt']) return resolve({ logicalId: value['Fn::GetAtt'][0], attribute: value['Fn::GetAtt'][1] });
    throw new Error(`Unsupported intrinsic in the state machine definition: ${JSON.stringify(value)}`);
  };
  return JSON.parse(evaluate(definition as Intrinsic)) as Record<string, unknown>;
}

/** Pseudo parameters of a rendered definition (the local runtime's stand-ins). */
export const LOCAL_PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '000000000000',
  'AWS::URLSuffix': 'amazonaws.com',
};

/**
 * The workflow's Amazon States Language, rendered from the same construct code the stack deploys
 * (no hand-written copy), with `functionArn` standing for the workflow function. The local runtime
 * runs this with aws-local-stepfunctions.
 */
export function renderApprovalDefinition(functionArn: string): Record<string, unknown> {
  const app = new App();
  const stack = new Stack(app, 'ApprovalsRender', { env: { account: LOCAL_PSEUDO_PARAMETERS['AWS::AccountId'], region: LOCAL_PSEUDO_PARAMETERS['AWS::Region'] } });
  const fn = LambdaFunction.fromFunctionArn(stack, 'WorkflowFunction', functionArn);
  const graph = new StateGraph(approvalWorkflowDefinition(stack, fn).startState, 'Approvals');
  const json = stack.resolve(stack.toJsonString({ ...graph.toGraphJson(), Comment: APPROVAL_WORKFLOW_COMMENT })) as unknown;
  return aslFromTemplate(json, ({ logicalId }) => {
    const value = LOCAL_PSEUDO_PARAMETERS[logicalId];
    if (value === undefined) throw new Error(`The rendered approval workflow refers to ${logicalId}`);
    return value;
  });
}
