import { PARTNER_EVENTS_CONSUMER } from '../../functions/shared/schema/stream-consumers';
import { WEBHOOK_QUEUE } from '../../functions/shared/schema/webhook-queue';
import type { ModuleFunction } from '../../lib/constructs/module-function';
import { disposeBackoffice, logicalIdOf, resourcesOf, synthBackoffice, type SynthesizedBackoffice } from './synth-stack';

/**
 * Partner events (docs/modules/webhooks.md): the events consumer on the table stream, the delivery
 * queue and its dead-letter queue, the queue-fed delivery worker, their grants and alarms, and the
 * webhooks module's right to queue replays.
 */
let synth: SynthesizedBackoffice;
beforeAll(() => {
  synth = synthBackoffice();
});
afterAll(() => disposeBackoffice(synth));

interface Statement {
  Action: string | string[];
  Effect: string;
  Resource: unknown;
  Condition?: unknown;
}

function statementsOf(fn: ModuleFunction): Statement[] {
  const roleId = logicalIdOf(fn.executionRole);
  return Object.values(resourcesOf(synth.template, 'AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref === roleId))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const actions = (statement: Statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);
const events = () => synth.stack.partnerEvents;
const tableId = () => logicalIdOf(synth.stack.data.table);
const tableArn = () => ({ 'Fn::GetAtt': [tableId(), 'Arn'] });
const queueId = () => logicalIdOf(events().deliveryQueue);
const queueArn = () => ({ 'Fn::GetAtt': [queueId(), 'Arn'] });
const queueUrl = () => ({ Ref: queueId() });

function functionProps(fn: ModuleFunction): Record<string, unknown> {
  return resourcesOf(synth.template, 'AWS::Lambda::Function')[logicalIdOf(fn)]!.Properties;
}

function mappingOf(fn: ModuleFunction): Record<string, unknown> {
  const found = Object.values(resourcesOf(synth.template, 'AWS::Lambda::EventSourceMapping')).filter(
    (m) => (m.Properties.FunctionName as { Ref: string }).Ref === logicalIdOf(fn),
  );
  expect(found).toHaveLength(1);
  return found[0]!.Properties;
}

/** Table statements of a function: those naming the table's ARN. */
function tableStatements(fn: ModuleFunction): Statement[] {
  return statementsOf(fn).filter((s) => JSON.stringify(s.Resource) === JSON.stringify(tableArn()));
}

const alarmNames = () => Object.values(resourcesOf(synth.template, 'AWS::CloudWatch::Alarm')).map((a) => String(a.Properties.AlarmName));

describe('the events consumer', () => {
  test('bundles functions/webhooks/consumer.ts and knows the table and the delivery queue', () => {
    expect(functionProps(events().consumerFunction)).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Environment: { Variables: { TABLE_NAME: { Ref: tableId() }, POWERTOOLS_SERVICE_NAME: 'partner-events-consumer', WEBHOOK_QUEUE_URL: queueUrl() } },
    });
    expect(functionProps(events().consumerFunction).VpcConfig).toBeUndefined();
  });

  test('event source: order, product, content and shipment inserts and updates only, partial batch responses, bounded retries, bisect, a DLQ', () => {
    const mapping = mappingOf(events().consumerFunction);
    expect(mapping).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [tableId(), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: PARTNER_EVENTS_CONSUMER.batchSize,
      MaximumRetryAttempts: PARTNER_EVENTS_CONSUMER.retryAttempts,
      BisectBatchOnFunctionError: true,
      MaximumRecordAgeInSeconds: PARTNER_EVENTS_CONSUMER.maxRecordAgeSeconds,
      ParallelizationFactor: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf(events().deadLetterQueue), 'Arn'] } } },
    });
    const filters = (mapping.FilterCriteria as { Filters: Array<{ Pattern: string }> }).Filters.map((f) => JSON.parse(f.Pattern) as unknown);
    expect(filters).toEqual([{ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entityType: { S: ['order', 'product', 'content', 'shipment'] } } } }]);
  });

  test('reads the table (with partners on gsi2 and endpoints on gsi1) and may only put feed events and deliveries', () => {
    const onTable = tableStatements(events().consumerFunction);
    const writes = onTable.filter((s) => actions(s).some((a) => ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'].includes(a)));
    expect(writes).toEqual([
      {
        Action: 'dynamodb:PutItem',
        Effect: 'Allow',
        Resource: tableArn(),
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PARTNER_EVENTS#*', 'WEBHOOK_DELIVERIES#*'] } },
      },
    ]);
    const reads = onTable.flatMap(actions);
    expect(reads).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    const all = statementsOf(events().consumerFunction);
    const indexQuery = all.find((s) => actions(s).includes('dynamodb:Query') && JSON.stringify(s.Resource).includes('/index/'));
    expect(JSON.stringify(indexQuery?.Resource)).toContain('/index/gsi1');
    expect(JSON.stringify(indexQuery?.Resource)).toContain('/index/gsi2');
    for (const forbidden of ['dynamodb:Scan', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem']) expect(all.flatMap(actions)).not.toContain(forbidden);
  });

  test('may send messages to the delivery queue (and, as the event source, to its on-failure queue), nothing else', () => {
    const send = statementsOf(events().consumerFunction).filter((s) => actions(s).includes('sqs:SendMessage'));
    const resources = send.flatMap((s) => (Array.isArray(s.Resource) ? (s.Resource as unknown[]) : [s.Resource]));
    expect(resources).toHaveLength(2);
    expect(resources).toEqual(expect.arrayContaining([queueArn(), { 'Fn::GetAtt': [logicalIdOf(events().deadLetterQueue), 'Arn'] }]));
  });
});

describe('the delivery queue', () => {
  test('is encrypted (SQS-managed), keeps messages past the retry window, and redrives to its own dead-letter queue', () => {
    const queue = resourcesOf(synth.template, 'AWS::SQS::Queue')[queueId()]!;
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: WEBHOOK_QUEUE.visibilityTimeoutSeconds,
      MessageRetentionPeriod: WEBHOOK_QUEUE.retentionSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(events().deliveryDeadLetterQueue), 'Arn'] },
        maxReceiveCount: WEBHOOK_QUEUE.maxReceiveCount,
      },
    });
    expect(WEBHOOK_QUEUE.retentionSeconds).toBeGreaterThan(27 * 3600);
    // Lambda requires the visibility timeout to cover the worker's timeout.
    expect(WEBHOOK_QUEUE.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(functionProps(events().deliveryWorker).Timeout as number);
    const dlq = resourcesOf(synth.template, 'AWS::SQS::Queue')[logicalIdOf(events().deliveryDeadLetterQueue)]!;
    expect(dlq.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  test.each([
    ['delivery queue', () => events().deliveryQueue],
    ['delivery dead-letter queue', () => events().deliveryDeadLetterQueue],
  ])('the %s accepts TLS only', (_name, queue) => {
    const id = logicalIdOf(queue());
    const policy = Object.values(resourcesOf(synth.template, 'AWS::SQS::QueuePolicy')).find((p) => JSON.stringify(p.Properties.Queues).includes(id));
    const statements = (policy?.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });
});

describe('the delivery worker', () => {
  test('bundles functions/webhooks/delivery-worker.ts outside any VPC, with the queue URL and a timeout above one attempt', () => {
    const props = functionProps(events().deliveryWorker);
    expect(props).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Timeout: WEBHOOK_QUEUE.workerTimeoutSeconds,
      Environment: { Variables: { TABLE_NAME: { Ref: tableId() }, POWERTOOLS_SERVICE_NAME: 'webhook-delivery-worker', WEBHOOK_QUEUE_URL: queueUrl() } },
    });
    // Lambda's own internet egress: the SSRF checks are in code (functions/webhooks/outbound.ts).
    expect(props.VpcConfig).toBeUndefined();
    expect(props.Timeout as number).toBeGreaterThan(10);
  });

  test('SQS event source: the delivery queue, partial batch responses, batch size and maximum concurrency', () => {
    expect(mappingOf(events().deliveryWorker)).toMatchObject({
      EventSourceArn: queueArn(),
      BatchSize: WEBHOOK_QUEUE.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: WEBHOOK_QUEUE.maxConcurrency },
    });
  });

  test('consumes the queue, including ChangeMessageVisibility (a retry hides its message for the backoff)', () => {
    const consume = statementsOf(events().deliveryWorker).find((s) => actions(s).includes('sqs:ReceiveMessage'));
    expect(consume?.Resource).toEqual(queueArn());
    expect(actions(consume!)).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']));
  });

  test('reads items and may only update deliveries and endpoints', () => {
    const onTable = tableStatements(events().deliveryWorker);
    expect(onTable).toEqual([
      { Action: 'dynamodb:GetItem', Effect: 'Allow', Resource: tableArn() },
      {
        Action: 'dynamodb:UpdateItem',
        Effect: 'Allow',
        Resource: tableArn(),
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['WEBHOOK_DELIVERIES#*', 'WEBHOOK#*'] } },
      },
    ]);
    const all = statementsOf(events().deliveryWorker).flatMap(actions);
    for (const forbidden of ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Scan', 'sqs:SendMessage']) expect(all).not.toContain(forbidden);
  });
});

describe('the webhooks module function', () => {
  test('may queue deliveries (replays) and knows the queue URL', () => {
    const fn = synth.stack.modules.functions.webhooks;
    expect(functionProps(fn)).toMatchObject({ Environment: { Variables: { WEBHOOK_QUEUE_URL: queueUrl() } } });
    const send = statementsOf(fn).find((s) => actions(s).includes('sqs:SendMessage'));
    expect(send?.Resource).toEqual(queueArn());
  });
});

describe('monitoring', () => {
  test('the consumer is watched like every stream consumer: errors, throttles, duration, iterator age and its dead-letter queue', () => {
    const names = alarmNames();
    for (const metric of ['errors', 'throttles', 'duration', 'iterator-age']) expect(names).toContain(`Backoffice-stream-partner-events-consumer-${metric}`);
    expect(names).toContain('Backoffice-dlq-partner-events-consumer-depth');
  });

  test('the worker has function alarms and the delivery dead-letter queue a depth alarm', () => {
    const names = alarmNames();
    for (const metric of ['errors', 'throttles', 'duration']) expect(names).toContain(`Backoffice-function-webhook-delivery-worker-${metric}`);
    const depth = Object.values(resourcesOf(synth.template, 'AWS::CloudWatch::Alarm')).find(
      (a) => a.Properties.AlarmName === 'Backoffice-dlq-webhook-delivery-depth',
    );
    expect(depth?.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(events().deliveryDeadLetterQueue), 'QueueName'] } }],
      Threshold: 1,
    });
  });
});
