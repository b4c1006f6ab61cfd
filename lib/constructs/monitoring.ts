import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  ConcreteWidget,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IAlarm,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Function as LambdaFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/**
 * Alarm thresholds. Every alarm evaluates 5-minute periods; "sustained" alarms need every one of
 * `sustainedPeriods` consecutive periods to breach, the others fire on a single period.
 */
export interface MonitoringThresholds {
  /** API 5xx answers per 5 minutes (each is a bug or an outage: the functions turn every handled error into a 4xx). */
  readonly api5xxCount: number;
  /** Share of 4xx answers in percent, sustained, evaluated only from `api4xxMinRequests` requests per period on. */
  readonly api4xxPercent: number;
  /** Requests per period below which the 4xx share is not evaluated (a single 404 is not an incident). */
  readonly api4xxMinRequests: number;
  /** p99 latency of an API in milliseconds, sustained. */
  readonly apiLatencyP99Ms: number;
  /** Unhandled function errors (crash, timeout, out of memory) per 5 minutes. */
  readonly lambdaErrors: number;
  /** Throttled invocations per 5 minutes (no function reserves concurrency: throttling means the account limit is reached). */
  readonly lambdaThrottles: number;
  /** p99 duration as a share of the function's timeout, sustained (a function close to its timeout soon times out). */
  readonly lambdaDurationShareOfTimeout: number;
  /** p99 duration in milliseconds for functions whose timeout is unknown (imported functions). */
  readonly lambdaDurationP99Ms: number;
  /** Age of the oldest stream record a consumer received, in milliseconds, sustained (streams keep records 24 h). */
  readonly streamIteratorAgeMs: number;
  /** Messages in a dead-letter queue (any message is a change a consumer gave up on). */
  readonly deadLetterMessages: number;
  /** Failed state machine executions per 5 minutes. */
  readonly stateMachineFailures: number;
  /** Timed-out state machine executions per 5 minutes (step timeouts are handled inside the workflow; this is the whole execution). */
  readonly stateMachineTimeouts: number;
  /** Read and write throttle events of a table and its indexes per 5 minutes (the SDK retries a few; more means a hot key or an account limit). */
  readonly dynamoThrottleEvents: number;
  /** Consecutive breaching periods for the sustained alarms (latency, duration, iterator age, 4xx share). */
  readonly sustainedPeriods: number;
}

/** Defaults of {@link MonitoringThresholds}. */
export const DEFAULT_MONITORING_THRESHOLDS: MonitoringThresholds = {
  api5xxCount: 5,
  api4xxPercent: 25,
  api4xxMinRequests: 20,
  apiLatencyP99Ms: 3_000,
  lambdaErrors: 1,
  lambdaThrottles: 1,
  lambdaDurationShareOfTimeout: 0.8,
  lambdaDurationP99Ms: 8_000,
  streamIteratorAgeMs: 5 * 60_000,
  deadLetterMessages: 1,
  stateMachineFailures: 1,
  stateMachineTimeouts: 1,
  dynamoThrottleEvents: 5,
  sustainedPeriods: 3,
};

/** A table to watch. */
export interface MonitoredTable {
  /** The table. */
  readonly table: ITable;
  /**
   * Its global secondary indexes: their throttle events count too (a throttled index write throttles the table write).
   * @default - none
   */
  readonly globalIndexNames?: readonly string[];
}

/** A stream consumer to watch (a Lambda function behind a DynamoDB event source mapping). */
export interface MonitoredStreamConsumer {
  /** The consumer function: errors, throttles, duration and iterator age. */
  readonly function: IFunction;
  /**
   * Its on-failure destination: depth alarm.
   * @default - none
   */
  readonly deadLetterQueue?: IQueue;
}

/** Properties of {@link Monitoring}. Every collection can also be extended later with the `add…` methods. */
export interface MonitoringProps {
  /**
   * HTTP APIs (API Gateway v2) by display name: metrics `4xx`, `5xx`, `Latency`, `Count` per `ApiId`.
   * @default - none
   */
  readonly httpApis?: Readonly<Record<string, IHttpApi>>;
  /**
   * REST API stages by display name: metrics `4XXError`, `5XXError`, `Latency`, `Count` per `ApiName` and `Stage`.
   * @default - none
   */
  readonly restApiStages?: Readonly<Record<string, Stage>>;
  /**
   * Lambda functions by display name (module functions, authorizers): errors, throttles, duration.
   * @default - none
   */
  readonly functions?: Readonly<Record<string, IFunction>>;
  /**
   * DynamoDB tables by display name: read and write throttle events of the table and its indexes.
   * @default - none
   */
  readonly tables?: Readonly<Record<string, MonitoredTable>>;
  /**
   * Stream consumers by display name: their function's alarms, iterator age and their dead-letter queue.
   * @default - none
   */
  readonly streamConsumers?: Readonly<Record<string, MonitoredStreamConsumer>>;
  /**
   * Dead-letter queues not attached to a stream consumer, by display name: depth.
   * @default - none
   */
  readonly deadLetterQueues?: Readonly<Record<string, IQueue>>;
  /**
   * Step Functions state machines by display name: failed and timed-out executions.
   * @default - none
   */
  readonly stateMachines?: Readonly<Record<string, IStateMachine>>;
  /**
   * E-mail addresses subscribed to the alarm topic (each confirms the subscription once).
   * Other subscribers (chat, paging) subscribe to `alarmTopic` outside the stack.
   * @default - none
   */
  readonly alarmEmails?: readonly string[];
  /**
   * Thresholds, overriding {@link DEFAULT_MONITORING_THRESHOLDS} one by one.
   * @default DEFAULT_MONITORING_THRESHOLDS
   */
  readonly thresholds?: Partial<MonitoringThresholds>;
  /**
   * Name of the CloudWatch dashboard.
   * @default `<stack name>-operations`
   */
  readonly dashboardName?: string;
}

/** The metric groups of the dashboard and of the alarm keys (`<group>/<name>/<metric>`). */
export type MetricGroup = 'api' | 'function' | 'stream' | 'dlq' | 'workflow' | 'table';

const PERIOD = Duration.minutes(5);

/** An alarm status widget that lists the alarms known when the dashboard is rendered (at synthesis), so alarms added later appear too. */
class AlarmOverviewWidget extends ConcreteWidget {
  constructor(private readonly alarmsOf: () => IAlarm[]) {
    super(24, 4);
  }

  public toJson(): unknown[] {
    const widget = new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarmsOf(), width: this.width, height: this.height });
    widget.position(this.x ?? 0, this.y ?? 0);
    return widget.toJson();
  }
}

/**
 * Operations monitoring (issue 10): one encrypted SNS topic that every alarm notifies, one
 * CloudWatch dashboard and one alarm per watched metric —
 * - per API: 5xx count, 4xx share (above a minimum volume), p99 latency;
 * - per function (module functions, authorizer, stream consumers): unhandled errors, throttles, p99 duration against the timeout;
 * - per stream consumer: iterator age; per dead-letter queue: depth;
 * - per state machine: failed and timed-out executions;
 * - per table: read + write throttle events of the table and its indexes.
 * Missing data never breaches: every watched metric is only emitted when there is traffic (no requests,
 * no invocations, no stream records, an empty queue), and no traffic is healthy.
 * Later constructs join with one call (`addStreamConsumer`, `addStateMachine`, …).
 */
export class Monitoring extends Construct {
  /** The topic every alarm notifies (KMS-encrypted, TLS-only). Subscribe e-mail, chat or paging here. */
  public readonly alarmTopic: Topic;
  /** The customer managed key of the topic (CloudWatch and AWS Backup may use it to publish). */
  public readonly alarmTopicKey: Key;
  /** The operations dashboard. */
  public readonly dashboard: Dashboard;
  /** The thresholds in use. */
  public readonly thresholds: MonitoringThresholds;

  private readonly alarmsByKey = new Map<string, Alarm>();
  private readonly action: SnsAction;
  private readonly sections = new Map<MetricGroup, boolean>();

  constructor(scope: Construct, id: string, props: MonitoringProps = {}) {
    super(scope, id);
    this.thresholds = { ...DEFAULT_MONITORING_THRESHOLDS, ...props.thresholds };
    const stack = Stack.of(this);

    this.alarmTopicKey = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the Backoffice alarm topic',
      enableKeyRotation: true,
    });
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Backoffice alarms',
      masterKey: this.alarmTopicKey,
      enforceSSL: true,
    });
    // CloudWatch publishes alarm state changes as the service itself: it needs the topic and the key
    // (an AWS managed key cannot be used, its policy cannot name CloudWatch). Scoped to this account's alarms.
    const alarmsOfThisAccount = {
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      StringEquals: { 'aws:SourceAccount': stack.account },
    };
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: alarmsOfThisAccount,
      }),
    );
    this.alarmTopicKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsUseKey',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    for (const email of props.alarmEmails ?? []) this.alarmTopic.addSubscription(new EmailSubscription(email));
    this.action = new SnsAction(this.alarmTopic);

    this.dashboard = new Dashboard(this, 'Dashboard', {
      ...(props.dashboardName
        ? { dashboardName: props.dashboardName }
        : Token.isUnresolved(stack.stackName)
          ? {}
          : { dashboardName: `${stack.stackName}-operations` }),
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(new AlarmOverviewWidget(() => [...this.alarmsByKey.values()]));

    for (const [name, api] of Object.entries(props.httpApis ?? {})) this.addHttpApi(name, api);
    for (const [name, stage] of Object.entries(props.restApiStages ?? {})) this.addRestApiStage(name, stage);
    for (const [name, fn] of Object.entries(props.functions ?? {})) this.addFunction(name, fn);
    for (const [name, consumer] of Object.entries(props.streamConsumers ?? {})) this.addStreamConsumer(name, consumer);
    for (const [name, queue] of Object.entries(props.deadLetterQueues ?? {})) this.addDeadLetterQueue(name, queue);
    for (const [name, machine] of Object.entries(props.stateMachines ?? {})) this.addStateMachine(name, machine);
    for (const [name, table] of Object.entries(props.tables ?? {})) this.addTable(name, table);
  }

  /** Every alarm, by key `<group>/<name>/<metric>` (e.g. `api/admin/5xx`, `function/catalog/errors`). */
  public get alarms(): ReadonlyMap<string, Alarm> {
    return this.alarmsByKey;
  }

  /** Watches an HTTP API (API Gateway v2): 5xx count, 4xx share, p99 latency. */
  public addHttpApi(name: string, api: IHttpApi): void {
    this.addApi(name, {
      clientErrors: api.metricClientError({ period: PERIOD, statistic: 'Sum' }),
      serverErrors: api.metricServerError({ period: PERIOD, statistic: 'Sum' }),
      requests: api.metricCount({ period: PERIOD, statistic: 'Sum' }),
      latency: (statistic) => api.metricLatency({ period: PERIOD, statistic }),
      kind: 'HTTP API',
    });
  }

  /** Watches a REST API stage (API Gateway v1): 5xx count, 4xx share, p99 latency. */
  public addRestApiStage(name: string, stage: Stage): void {
    this.addApi(name, {
      clientErrors: stage.metricClientError({ period: PERIOD, statistic: 'Sum' }),
      serverErrors: stage.metricServerError({ period: PERIOD, statistic: 'Sum' }),
      requests: stage.metricCount({ period: PERIOD, statistic: 'Sum' }),
      latency: (statistic) => stage.metricLatency({ period: PERIOD, statistic }),
      kind: 'REST API',
    });
  }

  /** Watches a Lambda function: unhandled errors, throttles, p99 duration. */
  public addFunction(name: string, fn: IFunction, group: MetricGroup = 'function'): void {
    this.section(group);
    const t = this.thresholds;
    const timeout = fn instanceof LambdaFunction ? fn.timeout : undefined;
    const durationLimit = timeout ? Math.round(timeout.toMilliseconds() * t.lambdaDurationShareOfTimeout) : t.lambdaDurationP99Ms;
    const errors = fn.metricErrors({ period: PERIOD, statistic: 'Sum' });
    const throttles = fn.metricThrottles({ period: PERIOD, statistic: 'Sum' });
    const duration = (statistic: string) => fn.metricDuration({ period: PERIOD, statistic });
    this.alarm(group, name, 'errors', errors, {
      threshold: t.lambdaErrors,
      description: `${name}: unhandled errors (crash, timeout, out of memory). Handled errors are API 4xx/5xx answers; search the function's log group for "level":"ERROR".`,
    });
    this.alarm(group, name, 'throttles', throttles, {
      threshold: t.lambdaThrottles,
      description: `${name}: throttled invocations. The account's concurrent executions are exhausted: check ConcurrentExecutions and request a higher limit.`,
    });
    this.alarm(group, name, 'duration', duration('p99'), {
      threshold: durationLimit,
      sustained: true,
      description: `${name}: p99 duration ≥ ${durationLimit} ms${timeout ? ` (${Math.round(t.lambdaDurationShareOfTimeout * 100)}% of the timeout)` : ''}. Check DynamoDB latency and the X-Ray traces.`,
    });
    this.dashboard.addWidgets(
      graph(`${name}: errors and throttles`, [errors.with({ label: 'errors' }), throttles.with({ label: 'throttles' })]),
      graph(`${name}: duration (ms)`, ['p50', 'p90', 'p99'].map((s) => duration(s).with({ label: s })), durationLimit),
    );
  }

  /** Watches a stream consumer: its function's alarms, its iterator age and, when given, its dead-letter queue. */
  public addStreamConsumer(name: string, consumer: MonitoredStreamConsumer): void {
    this.addFunction(name, consumer.function, 'stream');
    const t = this.thresholds;
    const age = consumer.function.metric('IteratorAge', { period: PERIOD, statistic: 'Maximum' });
    this.alarm('stream', name, 'iterator-age', age, {
      threshold: t.streamIteratorAgeMs,
      sustained: true,
      description: `${name}: the consumer is ${Math.round(t.streamIteratorAgeMs / 60_000)}+ minutes behind the stream (records expire after 24 h). Check its errors and the dead-letter queue.`,
    });
    this.dashboard.addWidgets(graph(`${name}: iterator age (ms)`, [age.with({ label: 'maximum' })], t.streamIteratorAgeMs));
    if (consumer.deadLetterQueue) this.addDeadLetterQueue(name, consumer.deadLetterQueue);
  }

  /** Watches a dead-letter queue: any visible message alarms. */
  public addDeadLetterQueue(name: string, queue: IQueue): void {
    this.section('dlq');
    const depth = queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' });
    this.alarm('dlq', name, 'depth', depth, {
      threshold: this.thresholds.deadLetterMessages,
      description: `${name}: messages in the dead-letter queue are changes a consumer gave up on. Inspect them, fix the cause, then redrive.`,
    });
    this.dashboard.addWidgets(graph(`${name}: dead-letter messages`, [depth.with({ label: 'visible messages' })], this.thresholds.deadLetterMessages));
  }

  /** Watches a state machine: failed and timed-out executions. */
  public addStateMachine(name: string, machine: IStateMachine): void {
    this.section('workflow');
    const failed = machine.metricFailed({ period: PERIOD, statistic: 'Sum' });
    const timedOut = machine.metricTimedOut({ period: PERIOD, statistic: 'Sum' });
    this.alarm('workflow', name, 'failed', failed, {
      threshold: this.thresholds.stateMachineFailures,
      description: `${name}: failed executions. Open the execution history in the Step Functions console.`,
    });
    this.alarm('workflow', name, 'timed-out', timedOut, {
      threshold: this.thresholds.stateMachineTimeouts,
      description: `${name}: executions that hit the workflow timeout (step timeouts are handled by the policy; this is not).`,
    });
    this.dashboard.addWidgets(graph(`${name}: executions failed / timed out`, [failed.with({ label: 'failed' }), timedOut.with({ label: 'timed out' })]));
  }

  /** Watches a table: read and write throttle events of the table and its global secondary indexes. */
  public addTable(name: string, watched: MonitoredTable): void {
    this.section('table');
    const { table } = watched;
    const usingMetrics: Record<string, IMetric> = {};
    const targets: Array<{ suffix: string; dimensions: Record<string, string> }> = [
      { suffix: 'table', dimensions: { TableName: table.tableName } },
      ...(watched.globalIndexNames ?? []).map((index, i) => ({
        suffix: `gsi${i}`,
        dimensions: { TableName: table.tableName, GlobalSecondaryIndexName: index },
      })),
    ];
    for (const target of targets) {
      for (const kind of ['Read', 'Write'] as const) {
        usingMetrics[`${kind.toLowerCase()}_${target.suffix}`] = table.metric(`${kind}ThrottleEvents`, {
          period: PERIOD,
          statistic: 'Sum',
          dimensionsMap: target.dimensions,
        });
      }
    }
    const throttles = new MathExpression({
      expression: Object.keys(usingMetrics).map((id) => `FILL(${id}, 0)`).join(' + '),
      usingMetrics,
      period: PERIOD,
      label: 'throttle events (table + indexes)',
    });
    this.alarm('table', name, 'throttles', throttles, {
      threshold: this.thresholds.dynamoThrottleEvents,
      description: `${name}: DynamoDB throttled reads or writes (table or index). On-demand tables throttle on a hot partition key or the account's table limits.`,
    });
    this.dashboard.addWidgets(graph(`${name}: throttle events`, [throttles], this.thresholds.dynamoThrottleEvents));
  }

  private addApi(
    name: string,
    metrics: { clientErrors: Metric; serverErrors: Metric; requests: Metric; latency: (statistic: string) => Metric; kind: string },
  ): void {
    this.section('api');
    const t = this.thresholds;
    const clientShare = new MathExpression({
      expression: `IF(requests >= ${t.api4xxMinRequests}, 100 * clientErrors / requests, 0)`,
      usingMetrics: { requests: metrics.requests, clientErrors: metrics.clientErrors },
      period: PERIOD,
      label: '4xx share (%)',
    });
    this.alarm('api', name, '5xx', metrics.serverErrors, {
      threshold: t.api5xxCount,
      description: `${name} ${metrics.kind}: 5xx answers. Find them in the access log by status, then the function log line with the same requestId.`,
    });
    this.alarm('api', name, '4xx-share', clientShare, {
      threshold: t.api4xxPercent,
      sustained: true,
      description: `${name} ${metrics.kind}: ${t.api4xxPercent}%+ of requests answered 4xx. A broken client, expired credentials or probing: group the access log by status and caller.`,
    });
    this.alarm('api', name, 'latency-p99', metrics.latency('p99'), {
      threshold: t.apiLatencyP99Ms,
      sustained: true,
      description: `${name} ${metrics.kind}: p99 latency ≥ ${t.apiLatencyP99Ms} ms. Compare integrationLatency in the access log and the X-Ray traces.`,
    });
    this.dashboard.addWidgets(
      graph(`${name}: requests, 4xx, 5xx`, [
        metrics.requests.with({ label: 'requests' }),
        metrics.clientErrors.with({ label: '4xx' }),
        metrics.serverErrors.with({ label: '5xx' }),
      ]),
      graph(`${name}: latency (ms)`, ['p50', 'p90', 'p99'].map((s) => metrics.latency(s).with({ label: s })), t.apiLatencyP99Ms),
    );
  }

  private section(group: MetricGroup): void {
    if (this.sections.has(group)) return;
    this.sections.set(group, true);
    const titles: Record<MetricGroup, string> = {
      api: 'APIs: answers and latency',
      function: 'Module functions: errors, throttles, duration',
      stream: 'Stream consumers: errors, duration, iterator age',
      dlq: 'Dead-letter queues',
      workflow: 'Workflows (Step Functions)',
      table: 'DynamoDB tables: throttling',
    };
    this.dashboard.addWidgets(new TextWidget({ markdown: `## ${titles[group]}`, width: 24, height: 1 }));
  }

  private alarm(
    group: MetricGroup,
    name: string,
    metricName: string,
    metric: IMetric,
    options: { threshold: number; description: string; sustained?: boolean },
  ): Alarm {
    const key = `${group}/${name}/${metricName}`;
    if (this.alarmsByKey.has(key)) throw new Error(`Monitoring: ${key} is watched twice`);
    const periods = options.sustained ? this.thresholds.sustainedPeriods : 1;
    const stackName = Stack.of(this).stackName;
    const alarm = new Alarm(this, `Alarm-${key.replace(/[^A-Za-z0-9]+/g, '-')}`, {
      ...(Token.isUnresolved(stackName) ? {} : { alarmName: `${stackName}-${key.replace(/\//g, '-')}` }),
      alarmDescription: options.description,
      metric,
      threshold: options.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      // Every watched metric exists only while there is traffic; no traffic is healthy (see the class comment).
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarmsByKey.set(key, alarm);
    return alarm;
  }
}

function graph(title: string, metrics: IMetric[], threshold?: number): IWidget {
  return new GraphWidget({
    title,
    left: metrics,
    width: 12,
    height: 6,
    ...(threshold === undefined ? {} : { leftAnnotations: [{ value: threshold, label: 'alarm' }] }),
  });
}
