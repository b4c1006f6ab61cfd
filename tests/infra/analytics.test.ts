import { METRICS_CONSUMER } from '../../functions/shared/schema/stream-consumers';
import type { ModuleFunction } from '../../lib/constructs/module-function';
import { disposeBackoffice, logicalIdOf, resourcesOf, synthBackoffice, type SynthesizedBackoffice } from './synth-stack';

/** Daily metrics (docs/architecture.md#analytics-and-exports): the metrics consumer, its event source mapping and grants, and the analytics module's read access. */
let synth: SynthesizedBackoffice;
beforeAll(() => {
  synth = synthBackoffice();
});
afterAll(() => disposeBackoffice(synth));

type Statement = { Action: string | string[]; Effect: string; Resource: unknown; Condition?: unknown };

function statementsOf(fn: ModuleFunction): Statement[] {
  const roleId = logicalIdOf(fn.executionRole);
  return Object.values(resourcesOf(synth.template, 'AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref === roleId))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const actions = (statement: Statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);
const tableId = () => logicalIdOf(synth.stack.data.table);
const tableArn = () => ({ 'Fn::GetAtt': [tableId(), 'Arn'] });

function mapping() {
  const consumerId = logicalIdOf(synth.stack.metrics.consumerFunction);
  const found = Object.values(resourcesOf(synth.template, 'AWS::Lambda::EventSourceMapping')).filter(
    (m) => (m.Properties.FunctionName as { Ref: string }).Ref === consumerId,
  );
  expect(found).toHaveLength(1);
  return found[0]!.Properties;
}

describe('the metrics consumer', () => {
  test('bundles functions/analytics/consumer.ts on Node.js 22', () => {
    const fn = resourcesOf(synth.template, 'AWS::Lambda::Function')[logicalIdOf(synth.stack.metrics.consumerFunction)]!;
    expect(fn.Properties).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Environment: { Variables: { TABLE_NAME: { Ref: tableId() }, POWERTOOLS_SERVICE_NAME: 'metrics-consumer' } },
    });
  });

  test('may only put and update items of the metrics partition and the record markers (its counting transaction): no reads, no deletes', () => {
    const onTable = statementsOf(synth.stack.metrics.consumerFunction).filter((s) => JSON.stringify(s.Resource) === JSON.stringify(tableArn()));
    expect(onTable).toEqual([
      {
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Effect: 'Allow',
        Resource: tableArn(),
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['METRICS#DAILY', 'METRIC_EVENT#*'] } },
      },
    ]);
    const all = statementsOf(synth.stack.metrics.consumerFunction).flatMap(actions);
    for (const forbidden of ['dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:Scan', 'dynamodb:Query']) expect(all).not.toContain(forbidden);
    expect(all.filter((a) => a.includes('*'))).toEqual([]);
  });

  test('event source: only the entity types that move a metric, partial batch responses, bounded retries, bisect, a DLQ', () => {
    const queueId = logicalIdOf(synth.stack.metrics.deadLetterQueue);
    expect(mapping()).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [tableId(), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: METRICS_CONSUMER.batchSize,
      MaximumRetryAttempts: METRICS_CONSUMER.retryAttempts,
      BisectBatchOnFunctionError: true,
      MaximumRecordAgeInSeconds: METRICS_CONSUMER.maxRecordAgeSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    const filters = (mapping().FilterCriteria as { Filters: Array<{ Pattern: string }> }).Filters.map((f) => JSON.parse(f.Pattern));
    const types = ['order', 'payment', 'refund', 'approval', 'ticket'];
    expect(filters).toContainEqual(expect.objectContaining({ dynamodb: { NewImage: { entityType: { S: types } } } }));
    for (const filter of filters) expect(JSON.stringify(filter)).not.toContain('metric');
  });

  test('is watched: errors, throttles, duration, iterator age and its dead-letter queue alarm', () => {
    const alarms = Object.values(resourcesOf(synth.template, 'AWS::CloudWatch::Alarm')).map((a) => String(a.Properties.AlarmName));
    expect(alarms.filter((name) => name.includes('metrics-consumer')).length).toBeGreaterThanOrEqual(5);
  });
});

describe('the analytics module', () => {
  test('reads the table (the day items: one Query) and writes nothing', () => {
    const granted = statementsOf(synth.stack.modules.functions.analytics).flatMap(actions).filter((a) => a.startsWith('dynamodb:'));
    expect(granted).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
    for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) expect(granted).not.toContain(write);
  });
});
