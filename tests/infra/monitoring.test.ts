import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Pass, StateMachine, DefinitionBody } from 'aws-cdk-lib/aws-stepfunctions';
import { DEFAULT_MONITORING_THRESHOLDS, Monitoring } from '../../lib/constructs/monitoring';
import { isCdkDeploymentFunction, logicalIdOf, resourcesOf, disposeBackoffice, synthBackoffice, type SynthesizedBackoffice } from './synth-stack';

let synth: SynthesizedBackoffice;
beforeAll(() => {
  synth = synthBackoffice();
});
afterAll(() => disposeBackoffice(synth));

type Dimension = { Name: string; Value: unknown };
interface AlarmProps {
  AlarmName: string;
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions?: Dimension[];
  Metrics?: Array<{ Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions: Dimension[] } } }>;
  Threshold: number;
  EvaluationPeriods: number;
  DatapointsToAlarm: number;
  TreatMissingData: string;
  ComparisonOperator: string;
  AlarmActions: unknown[];
  OKActions: unknown[];
}

const alarms = (): AlarmProps[] => Object.values(resourcesOf(synth.template, 'AWS::CloudWatch::Alarm')).map((r) => r.Properties as unknown as AlarmProps);
const ref = (logicalId: string) => ({ Ref: logicalId });
/** Alarms whose (single) metric has this dimension value. */
const alarmsOn = (dimension: string, value: unknown) =>
  alarms().filter((a) => (a.Dimensions ?? []).some((d) => d.Name === dimension && JSON.stringify(d.Value) === JSON.stringify(value)));

/**
 * The stack's functions, by logical id (module functions, authorizer, stream consumers, workflow). Not
 * CDK's BucketDeployment function: it runs only within a deployment, whose failure CloudFormation reports.
 */
function functionIds(): string[] {
  return Object.keys(resourcesOf(synth.template, 'AWS::Lambda::Function')).filter((id) => !isCdkDeploymentFunction(id));
}

/** Stream event source mappings (not the SQS ones: they have no stream position): the function they invoke and their on-failure queue. */
function streamMappings(): Array<{ functionId: string; dlqId?: string }> {
  return Object.values(resourcesOf(synth.template, 'AWS::Lambda::EventSourceMapping'))
    .filter((r) => r.Properties.StartingPosition !== undefined)
    .map((r) => {
      const props = r.Properties as { FunctionName: { Ref: string }; DestinationConfig?: { OnFailure?: { Destination?: { 'Fn::GetAtt': [string, string] } } } };
      const dlq = props.DestinationConfig?.OnFailure?.Destination?.['Fn::GetAtt']?.[0];
      return { functionId: props.FunctionName.Ref, ...(dlq ? { dlqId: dlq } : {}) };
    });
}

/** The dashboard body with every token replaced by a placeholder, parsed. */
function dashboardBody(): { widgets: Array<{ type: string; properties: Record<string, unknown> }> } {
  const dashboards = Object.values(resourcesOf(synth.template, 'AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0]!.Properties.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return JSON.parse(text) as { widgets: Array<{ type: string; properties: Record<string, unknown> }> };
}

describe('alarm topic', () => {
  test('is encrypted with a rotated customer managed key and accepts TLS only', () => {
    const topicId = logicalIdOf(synth.stack.monitoring.alarmTopic);
    const keyId = logicalIdOf(synth.stack.monitoring.alarmTopicKey);
    expect(resourcesOf(synth.template, 'AWS::SNS::Topic')[topicId]?.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(resourcesOf(synth.template, 'AWS::KMS::Key')[keyId]?.Properties.EnableKeyRotation).toBe(true);
    const policy = Object.values(resourcesOf(synth.template, 'AWS::SNS::TopicPolicy')).find((p) => JSON.stringify(p.Properties.Topics).includes(topicId));
    const statements = (policy?.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  test('CloudWatch (this account only) may publish and use the key', () => {
    const keyPolicy = resourcesOf(synth.template, 'AWS::KMS::Key')[logicalIdOf(synth.stack.monitoring.alarmTopicKey)]?.Properties.KeyPolicy as {
      Statement: Array<Record<string, unknown>>;
    };
    expect(keyPolicy.Statement).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      }),
    );
    const policy = JSON.stringify(resourcesOf(synth.template, 'AWS::SNS::TopicPolicy'));
    expect(policy).toContain('arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*');
  });

  test('is an output of the stack', () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.AlarmTopicArn?.Value).toEqual(ref(logicalIdOf(synth.stack.monitoring.alarmTopic)));
    expect(outputs.DashboardName).toBeDefined();
  });
});

describe('alarms', () => {
  test('every alarm notifies the alarm topic on ALARM and on OK, and treats missing data as not breaching', () => {
    const topic = ref(logicalIdOf(synth.stack.monitoring.alarmTopic));
    expect(alarms().length).toBeGreaterThan(0);
    for (const alarm of alarms()) {
      expect({ name: alarm.AlarmName, actions: alarm.AlarmActions, ok: alarm.OKActions }).toEqual({ name: alarm.AlarmName, actions: [topic], ok: [topic] });
      expect({ name: alarm.AlarmName, missing: alarm.TreatMissingData }).toEqual({ name: alarm.AlarmName, missing: 'notBreaching' });
      expect(alarm.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
    }
    const names = alarms().map((a) => a.AlarmName);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^Backoffice-(api|function|stream|dlq|workflow|table)-/);
  });

  test('one alarm per watched metric: counted against the APIs, functions, stream consumers, queues, state machines and tables of the template', () => {
    const mappings = streamMappings();
    const expected =
      3 * 2 + // admin HTTP API and partner REST API: 5xx, 4xx share, p99 latency
      3 * functionIds().length + // every function: errors, throttles, duration
      1 * new Set(mappings.map((m) => m.functionId)).size + // every stream consumer: iterator age
      1 * new Set(mappings.flatMap((m) => (m.dlqId ? [m.dlqId] : []))).size + // every on-failure queue: depth
      1 + // the daily export schedule's dead-letter queue: depth
      1 + // the webhook delivery queue's dead-letter queue: depth
      2 * Object.keys(resourcesOf(synth.template, 'AWS::StepFunctions::StateMachine')).length + // failed, timed out
      1 * Object.keys(resourcesOf(synth.template, 'AWS::DynamoDB::Table')).length; // throttle events
    expect(alarms()).toHaveLength(expected);
    expect(synth.stack.monitoring.alarms.size).toBe(expected);
  });

  test.each([
    ['Errors', 'Sum'],
    ['Throttles', 'Sum'],
  ])('every function has one alarm on %s (%s ≥ 1 in 5 minutes)', (metricName, statistic) => {
    for (const id of functionIds()) {
      const matching = alarmsOn('FunctionName', ref(id)).filter((a) => a.MetricName === metricName);
      expect({ id, count: matching.length }).toEqual({ id, count: 1 });
      expect(matching[0]).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: statistic, Threshold: 1, EvaluationPeriods: 1 });
    }
  });

  test('every function has a sustained p99 duration alarm at 80% of its timeout', () => {
    for (const id of functionIds()) {
      const timeoutSeconds = resourcesOf(synth.template, 'AWS::Lambda::Function')[id]?.Properties.Timeout as number;
      const [alarm, ...others] = alarmsOn('FunctionName', ref(id)).filter((a) => a.MetricName === 'Duration');
      expect(others).toEqual([]);
      expect(alarm).toMatchObject({
        ExtendedStatistic: 'p99',
        Threshold: Math.round(timeoutSeconds * 1000 * 0.8),
        EvaluationPeriods: DEFAULT_MONITORING_THRESHOLDS.sustainedPeriods,
        DatapointsToAlarm: DEFAULT_MONITORING_THRESHOLDS.sustainedPeriods,
      });
    }
  });

  test('every stream consumer has an iterator age alarm and its on-failure queue a depth alarm', () => {
    const mappings = streamMappings();
    expect(mappings.length).toBeGreaterThan(0);
    for (const { functionId, dlqId } of mappings) {
      const age = alarmsOn('FunctionName', ref(functionId)).filter((a) => a.MetricName === 'IteratorAge');
      expect(age).toHaveLength(1);
      expect(age[0]).toMatchObject({ Statistic: 'Maximum', Threshold: 300_000, EvaluationPeriods: 3 });
      if (dlqId) {
        const depth = alarmsOn('QueueName', { 'Fn::GetAtt': [dlqId, 'QueueName'] });
        expect(depth).toHaveLength(1);
        expect(depth[0]).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Maximum', Threshold: 1 });
      }
    }
  });

  test('the admin HTTP API alarms use the HTTP API metric names (5xx, 4xx, Latency by ApiId)', () => {
    const apiId = ref(logicalIdOf(synth.stack.adminApi.httpApi));
    const direct = alarmsOn('ApiId', apiId);
    expect(direct.map((a) => a.MetricName).sort()).toEqual(['5xx', 'Latency']);
    expect(direct.find((a) => a.MetricName === 'Latency')).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 3_000, EvaluationPeriods: 3 });
    expect(direct.find((a) => a.MetricName === '5xx')).toMatchObject({ Namespace: 'AWS/ApiGateway', Statistic: 'Sum', Threshold: 5 });
    const share = alarms().find((a) => a.AlarmName === 'Backoffice-api-admin-4xx-share');
    const used = (share?.Metrics ?? []).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : []));
    expect(used.sort()).toEqual(['4xx', 'Count']);
    expect(share?.Metrics?.find((m) => m.Expression)?.Expression).toBe('IF(requests >= 20, 100 * clientErrors / requests, 0)');
    expect(share).toMatchObject({ Threshold: 25, EvaluationPeriods: 3, DatapointsToAlarm: 3 });
  });

  test('the partner REST API alarms use the REST API metric names (5XXError, 4XXError, Latency by ApiName and Stage)', () => {
    const stageRef = ref(logicalIdOf(synth.stack.partnerApi.restApi.deploymentStage));
    const direct = alarmsOn('Stage', stageRef);
    expect(direct.map((a) => a.MetricName).sort()).toEqual(['5XXError', 'Latency']);
    for (const alarm of direct) expect(alarm.Dimensions?.map((d) => d.Name).sort()).toEqual(['ApiName', 'Stage']);
    const share = alarms().find((a) => a.AlarmName === 'Backoffice-api-partner-4xx-share');
    const used = (share?.Metrics ?? []).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : []));
    expect(used.sort()).toEqual(['4XXError', 'Count']);
  });

  test.each([
    ['Backoffice', 'table' as const],
    ['AuditLog', 'auditTable' as const],
  ])('table %s: one alarm on the read and write throttle events of the table and each index', (name, which) => {
    const alarm = alarms().find((a) => a.AlarmName === `Backoffice-table-${name}-throttles`);
    const tableRef = ref(logicalIdOf(synth.stack.data[which]));
    const indexes = which === 'table' ? synth.stack.data.tableIndexNames : synth.stack.data.auditIndexNames;
    const metrics = (alarm?.Metrics ?? []).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));
    expect(metrics).toHaveLength(2 * (1 + indexes.length));
    for (const metric of metrics) {
      expect(metric.Namespace).toBe('AWS/DynamoDB');
      expect(metric.Dimensions).toContainEqual({ Name: 'TableName', Value: tableRef });
    }
    expect(metrics.map((m) => m.MetricName).sort()).toEqual(
      [...Array(1 + indexes.length).fill('ReadThrottleEvents'), ...Array(1 + indexes.length).fill('WriteThrottleEvents')].sort(),
    );
    const indexDims = metrics.flatMap((m) => m.Dimensions.filter((d) => d.Name === 'GlobalSecondaryIndexName').map((d) => d.Value));
    expect([...new Set(indexDims)].sort()).toEqual([...indexes].sort());
    expect(alarm?.Metrics?.find((m) => m.Expression)?.Expression).toMatch(/^FILL\(\w+, 0\)( \+ FILL\(\w+, 0\))+$/);
  });
});

describe('dashboard', () => {
  test('is named after the stack and starts with the status of every alarm', () => {
    const dashboard = Object.values(resourcesOf(synth.template, 'AWS::CloudWatch::Dashboard'))[0];
    expect(dashboard?.Properties.DashboardName).toBe('Backoffice-operations');
    const [first] = dashboardBody().widgets;
    expect(first?.type).toBe('alarm');
    expect((first?.properties.alarms as unknown[]).length).toBe(alarms().length);
  });

  test('has a section per metric group and graphs per API, function, stream consumer, queue and table', () => {
    const { widgets } = dashboardBody();
    const headers = widgets.filter((w) => w.type === 'text').map((w) => w.properties.markdown);
    expect(headers).toEqual([
      '## APIs: answers and latency',
      '## Module functions: errors, throttles, duration',
      '## DynamoDB tables: throttling',
      '## Stream consumers: errors, duration, iterator age',
      '## Dead-letter queues',
      '## Workflows (Step Functions)',
    ]);
    const titles = widgets.filter((w) => w.type === 'metric').map((w) => String(w.properties.title));
    for (const api of ['admin', 'partner']) expect(titles).toEqual(expect.arrayContaining([`${api}: requests, 4xx, 5xx`, `${api}: latency (ms)`]));
    const consumers = ['audit-consumer', 'directory-sync', 'usage-plan-sync', 'approval-starter', 'export-worker', 'metrics-consumer', 'partner-events-consumer'];
    const functionNames = [...Object.keys(synth.stack.modules.functions), 'partner-authorizer', ...consumers, 'webhook-delivery-worker', 'approvals-workflow'];
    for (const name of functionNames) expect(titles).toEqual(expect.arrayContaining([`${name}: errors and throttles`, `${name}: duration (ms)`]));
    expect(titles).toEqual(expect.arrayContaining(['Backoffice: throttle events', 'AuditLog: throttle events']));
    for (const name of consumers) expect(titles).toEqual(expect.arrayContaining([`${name}: iterator age (ms)`, `${name}: dead-letter messages`]));
    expect(titles).toEqual(
      expect.arrayContaining(['approvals: executions failed / timed out', 'export-schedule: dead-letter messages', 'webhook-delivery: dead-letter messages']),
    );
    expect(titles).toHaveLength(2 * 2 + 2 * functionNames.length + 2 * consumers.length + 2 + 1 + 1 + 1);
  });

  test('graphs the HTTP API and REST API metrics under their own names', () => {
    const metricsOf = (title: string) =>
      (dashboardBody().widgets.find((w) => w.properties.title === title)?.properties.metrics as unknown[][]).map((m) => m.slice(0, 2));
    expect(metricsOf('admin: requests, 4xx, 5xx')).toEqual([
      ['AWS/ApiGateway', 'Count'],
      ['AWS/ApiGateway', '4xx'],
      ['AWS/ApiGateway', '5xx'],
    ]);
    expect(metricsOf('partner: requests, 4xx, 5xx')).toEqual([
      ['AWS/ApiGateway', 'Count'],
      ['AWS/ApiGateway', '4XXError'],
      ['AWS/ApiGateway', '5XXError'],
    ]);
  });
});

describe('logs and tracing', () => {
  test('every function logs JSON (platform lines too) at the configured level, never the whole event, and traces with X-Ray', () => {
    for (const id of functionIds()) {
      const fn = resourcesOf(synth.template, 'AWS::Lambda::Function')[id]!;
      expect({ id, props: fn.Properties }).toMatchObject({
        id,
        props: {
          TracingConfig: { Mode: 'Active' },
          LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO' },
          Environment: { Variables: { POWERTOOLS_LOG_LEVEL: 'INFO', POWERTOOLS_LOGGER_LOG_EVENT: 'false' } },
        },
      });
    }
  });

  test('the partner REST API stage traces with X-Ray (HTTP APIs have no X-Ray integration; their functions trace)', () => {
    const stage = resourcesOf(synth.template, 'AWS::ApiGateway::Stage')[logicalIdOf(synth.stack.partnerApi.restApi.deploymentStage)];
    expect(stage?.Properties.TracingEnabled).toBe(true);
  });
});

describe('Monitoring on its own', () => {
  function standalone() {
    const stack = new Stack(new App(), 'Ops', { env: { account: '123456789012', region: 'eu-west-1' } });
    const fn = LambdaFunction.fromFunctionName(stack, 'Imported', 'imported-fn');
    const monitoring = new Monitoring(stack, 'Monitoring', { functions: { imported: fn }, thresholds: { lambdaErrors: 3 }, alarmEmails: ['ops@example.com'] });
    return { stack, fn, monitoring };
  }

  test('later constructs join with one call: a state machine gets failed and timed-out alarms, a queue a depth alarm', () => {
    const { stack, monitoring } = standalone();
    const machine = new StateMachine(stack, 'Approvals', { definitionBody: DefinitionBody.fromChainable(new Pass(stack, 'Done')), timeout: Duration.days(7) });
    monitoring.addStateMachine('approvals', machine);
    monitoring.addDeadLetterQueue('exports', new Queue(stack, 'ExportsDlq', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true }));
    const template = Template.fromStack(stack);
    expect([...monitoring.alarms.keys()]).toEqual([
      'function/imported/errors',
      'function/imported/throttles',
      'function/imported/duration',
      'workflow/approvals/failed',
      'workflow/approvals/timed-out',
      'dlq/exports/depth',
    ]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'Ops-workflow-approvals-failed', MetricName: 'ExecutionsFailed', Namespace: 'AWS/States' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'Ops-workflow-approvals-timed-out', MetricName: 'ExecutionsTimedOut' });
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Ops-operations' });
  });

  test('takes threshold overrides, subscribes e-mail addresses and uses the fixed p99 limit for functions of unknown timeout', () => {
    const { stack } = standalone();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'Ops-function-imported-errors', Threshold: 3 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'Ops-function-imported-duration',
      Threshold: DEFAULT_MONITORING_THRESHOLDS.lambdaDurationP99Ms,
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test('refuses to watch the same thing twice', () => {
    const { fn, monitoring } = standalone();
    expect(() => monitoring.addFunction('imported', fn)).toThrow('function/imported/errors is watched twice');
  });
});
