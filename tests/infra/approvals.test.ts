import { StateMachine as LocalStateMachine } from 'aws-local-stepfunctions';
import { APPROVAL_STATES, aslFromTemplate, renderApprovalDefinition } from '../../lib/constructs/approvals';
import { disposeBackoffice, logicalIdOf, resourcesOf, synthBackoffice, type SynthesizedBackoffice } from './synth-stack';

/** The approvals workflow as synthesized: Standard, logged and traced, every task retried and caught, a valid graph. */
let synth: SynthesizedBackoffice;
beforeAll(() => {
  synth = synthBackoffice();
});
afterAll(() => disposeBackoffice(synth));

type State = {
  Type: string;
  Next?: string;
  End?: boolean;
  Resource?: string;
  Retry?: Array<{ ErrorEquals: string[]; MaxAttempts?: number }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  Choices?: Array<{ Next: string }>;
  Default?: string;
  TimeoutSecondsPath?: string;
  Parameters?: Record<string, unknown>;
};
type Definition = { StartAt: string; States: Record<string, State> };
type Statement = { Action: string | string[]; Resource: unknown };

function stateMachine() {
  const machines = Object.values(resourcesOf(synth.template, 'AWS::StepFunctions::StateMachine'));
  expect(machines).toHaveLength(1);
  return machines[0]!.Properties;
}

/** The ASL of the template, references named after their logical ids. */
function definition(): Definition {
  return aslFromTemplate(stateMachine().DefinitionString, ({ logicalId }) =>
    logicalId === 'AWS::Partition' ? 'aws' : `arn:aws:lambda:eu-west-1:123456789012:function:${logicalId}`,
  ) as unknown as Definition;
}

function successors(state: State): string[] {
  return [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next), ...(state.Catch ?? []).map((c) => c.Next)].filter((n): n is string => Boolean(n));
}

function statementsOfRole(roleLogicalId: string): Statement[] {
  return Object.values(resourcesOf(synth.template, 'AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref === roleLogicalId))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}
const actions = (statements: Statement[]) => statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
const smArn = () => ({ Ref: logicalIdOf(synth.stack.approvals.stateMachine) });

test('is a Standard workflow with execution logging (all events, no execution data) and X-Ray', () => {
  expect(stateMachine()).toMatchObject({
    StateMachineType: 'STANDARD',
    LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    TracingConfiguration: { Enabled: true },
  });
});

test('every Task state has Retry and Catch; answers (decisions, timeouts, refusals) are never retried', () => {
  const tasks = Object.entries(definition().States).filter(([, s]) => s.Type === 'Task');
  expect(tasks.map(([name]) => name).sort()).toEqual(
    [APPROVAL_STATES.next, APPROVAL_STATES.await, APPROVAL_STATES.timedOut, APPROVAL_STATES.apply, APPROVAL_STATES.reject, APPROVAL_STATES.markFailed].sort(),
  );
  for (const [name, state] of tasks) {
    expect({ name, retry: (state.Retry ?? []).length > 0, catch: (state.Catch ?? []).length > 0 }).toEqual({ name, retry: true, catch: true });
    const answers = state.Retry!.find((r) => r.ErrorEquals.includes('Approval.Rejected'));
    expect(answers).toMatchObject({ MaxAttempts: 0 });
    expect(answers!.ErrorEquals).toEqual(expect.arrayContaining(['States.Timeout', 'Approval.OutcomeRefused']));
    expect(state.Catch!.at(-1)!.ErrorEquals).toEqual(['States.ALL']);
  }
});

test('the definition validates: every transition resolves, every state is reachable, terminals end', () => {
  const asl = definition();
  const names = new Set(Object.keys(asl.States));
  expect(names.has(asl.StartAt)).toBe(true);
  for (const [name, state] of Object.entries(asl.States)) {
    for (const next of successors(state)) expect({ name, next, exists: names.has(next) }).toEqual({ name, next, exists: true });
    const terminal = state.Type === 'Succeed' || state.Type === 'Fail' || state.End === true;
    const moves = state.Type === 'Choice' ? (state.Choices ?? []).length > 0 : Boolean(state.Next);
    expect({ name, endsOrMoves: terminal || moves }).toEqual({ name, endsOrMoves: true });
  }
  const reached = new Set<string>([asl.StartAt]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const name of [...reached]) {
      for (const next of successors(asl.States[name]!)) {
        if (!reached.has(next)) {
          reached.add(next);
          grew = true;
        }
      }
    }
  }
  expect([...reached].sort()).toEqual([...names].sort());
  // The ASL validator of aws-local-stepfunctions (asl-validator) accepts it.
  expect(() => new LocalStateMachine(asl as never)).not.toThrow();
});

test('a step waits for its task token, with the timeout from the execution data', () => {
  const wait = definition().States[APPROVAL_STATES.await]!;
  expect(wait.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
  expect(wait.TimeoutSecondsPath).toBe('$.Payload.timeoutSeconds');
  expect(wait.Parameters).toMatchObject({ Payload: { 'taskToken.$': '$$.Task.Token', 'timeoutSeconds.$': '$.Payload.timeoutSeconds' } });
  const catches = Object.fromEntries(wait.Catch!.map((c) => [c.ErrorEquals.join(','), c.Next]));
  expect(catches).toEqual({
    'States.Timeout': APPROVAL_STATES.timedOut,
    'Approval.Rejected,Approval.StepNotOpen': APPROVAL_STATES.next,
    'States.ALL': APPROVAL_STATES.markFailed,
  });
});

test('the local runtime runs the same definition (rendered from the same construct)', () => {
  const workflow = 'arn:aws:lambda:eu-west-1:000000000000:function:workflow';
  const local = renderApprovalDefinition(workflow);
  const deployed = JSON.parse(JSON.stringify(definition()).replace(/arn:aws:lambda:eu-west-1:123456789012:function:[A-Za-z0-9]+/g, workflow)) as unknown;
  expect(local).toEqual(deployed);
});

test('least privilege: invoke only the workflow function; only the starter starts executions; send task results from the decider', () => {
  const { approvals, modules } = synth.stack;
  const smRole = logicalIdOf(approvals.stateMachine.role);
  const invoke = statementsOfRole(smRole).filter((s) => actions([s]).includes('lambda:InvokeFunction'));
  expect(invoke).toHaveLength(1);
  const fnArn = { 'Fn::GetAtt': [logicalIdOf(approvals.workflowFunction), 'Arn'] };
  expect(invoke[0]!.Resource).toEqual([fnArn, { 'Fn::Join': ['', [fnArn, ':*']] }]);

  const decider = statementsOfRole(logicalIdOf(modules.functions.approvals.executionRole)).filter((s) => actions([s]).some((a) => a.startsWith('states:')));
  expect(decider).toHaveLength(1);
  expect(decider[0]).toMatchObject({ Resource: smArn() });
  expect(actions(decider).sort()).toEqual(['states:SendTaskFailure', 'states:SendTaskSuccess']);

  const starter = statementsOfRole(logicalIdOf(approvals.starterFunction.executionRole)).filter((s) => actions([s]).some((a) => a.startsWith('states:')));
  expect(starter).toEqual([expect.objectContaining({ Action: 'states:StartExecution', Resource: smArn() })]);
  // The starter reads its records from the stream and touches no table item.
  expect(actions(statementsOfRole(logicalIdOf(approvals.starterFunction.executionRole))).filter((a) => /^dynamodb:(GetItem|PutItem|UpdateItem|DeleteItem|Query|Scan|BatchGetItem|BatchWriteItem|ConditionCheckItem)$/.test(a))).toEqual([]);
  // Modules that request approvals only write the approval item; they never reach Step Functions.
  for (const other of [modules.functions.catalog, modules.functions.iam, modules.functions.finance, modules.functions.docs, modules.functions.audit]) {
    expect(actions(statementsOfRole(logicalIdOf(other.executionRole))).filter((a) => a.startsWith('states:'))).toEqual([]);
  }
  expect(actions(statementsOfRole(logicalIdOf(approvals.workflowFunction.executionRole))).filter((a) => a.startsWith('states:'))).toEqual([]);
});

test('the starter and the decider know the state machine; the starter runs on new approvals only', () => {
  const functions = resourcesOf(synth.template, 'AWS::Lambda::Function');
  const { approvals, modules } = synth.stack;
  for (const fn of [approvals.starterFunction, modules.functions.approvals]) {
    expect(functions[logicalIdOf(fn)]!.Properties).toMatchObject({ Environment: { Variables: { APPROVALS_STATE_MACHINE_ARN: smArn() } } });
  }
  for (const fn of [modules.functions.catalog, modules.functions.iam, modules.functions.finance]) {
    const variables = (functions[logicalIdOf(fn)]!.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    expect(variables.APPROVALS_STATE_MACHINE_ARN).toBeUndefined();
  }
  expect(functions[logicalIdOf(approvals.workflowFunction)]!.Properties).toMatchObject({ Handler: 'index.handler', Timeout: 30 });
  const mappings = Object.values(resourcesOf(synth.template, 'AWS::Lambda::EventSourceMapping')).filter(
    (m) => (m.Properties.FunctionName as { Ref?: string }).Ref === logicalIdOf(approvals.starterFunction),
  );
  expect(mappings).toHaveLength(1);
  const filters = (mappings[0]!.Properties as { FilterCriteria: { Filters: Array<{ Pattern: string }> } }).FilterCriteria.Filters;
  const patterns = filters.map((f) => JSON.parse(f.Pattern) as unknown);
  expect(patterns).toEqual([{ eventName: ['INSERT'], dynamodb: { NewImage: { entityType: { S: ['approval'] } } } }]);
  expect(mappings[0]!.Properties).toMatchObject({ BisectBatchOnFunctionError: true, FunctionResponseTypes: ['ReportBatchItemFailures'] });
});
