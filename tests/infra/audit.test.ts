import { AUDIT_CONSUMER } from '../../functions/shared/schema/stream-consumers';
import { DERIVED_ENTITY_TYPES } from '../../functions/shared/schema/tables';
import type { ModuleFunction } from '../../lib/constructs/module-function';
import { disposeBackoffice, logicalIdOf, resourcesOf, synthBackoffice, type SynthesizedBackoffice } from './synth-stack';

/** The audit log (docs/architecture.md#audit-log): append-only consumer, its event source mapping and the read side. */
let synth: SynthesizedBackoffice;
beforeAll(() => {
  synth = synthBackoffice();
});
afterAll(() => disposeBackoffice(synth));

type Statement = { Action: string | string[]; Effect: string; Resource: unknown };

function statementsOf(fn: ModuleFunction): Statement[] {
  const roleId = logicalIdOf(fn.executionRole);
  return Object.values(resourcesOf(synth.template, 'AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref === roleId))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const actions = (statement: Statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);
const auditId = () => logicalIdOf(synth.stack.data.auditTable);
const tableId = () => logicalIdOf(synth.stack.data.table);
const onAuditTable = (statement: Statement) => JSON.stringify(statement.Resource).includes(auditId());

function mapping() {
  const mappings = Object.values(resourcesOf(synth.template, 'AWS::Lambda::EventSourceMapping'));
  const consumerId = logicalIdOf(synth.stack.audit.consumerFunction);
  const found = mappings.filter((m) => (m.Properties.FunctionName as { Ref: string }).Ref === consumerId);
  expect(found).toHaveLength(1);
  return found[0]!.Properties;
}

describe('the audit consumer role', () => {
  test('may only read and put on the audit table: no UpdateItem, DeleteItem, BatchWriteItem or PartiQL', () => {
    const granted = statementsOf(synth.stack.audit.consumerFunction).filter(onAuditTable).flatMap(actions);
    expect(new Set(granted)).toEqual(new Set(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem']));
    for (const forbidden of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete']) {
      expect(granted).not.toContain(forbidden);
    }
    // And no wildcard action anywhere in its policy.
    expect(statementsOf(synth.stack.audit.consumerFunction).flatMap(actions).filter((a) => a.includes('*'))).toEqual([]);
  });

  test('reads only the stream of the single table, never its items', () => {
    const statements = statementsOf(synth.stack.audit.consumerFunction);
    const onTable = statements.filter((s) => JSON.stringify(s.Resource).includes(tableId()));
    expect(onTable).toEqual([
      {
        Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [tableId(), 'StreamArn'] },
      },
    ]);
  });

  test('gets the audit table name and the retention (7 years by default)', () => {
    const fn = resourcesOf(synth.template, 'AWS::Lambda::Function')[logicalIdOf(synth.stack.audit.consumerFunction)]!;
    expect(fn.Properties).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Environment: { Variables: { AUDIT_TABLE_NAME: { Ref: auditId() }, AUDIT_RETENTION_DAYS: '2557' } },
    });
  });
});

describe('the event source mapping on the single table stream', () => {
  test('batch size, bounded retries, bisect, maximum record age, partial batch responses, in order', () => {
    expect(mapping()).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [tableId(), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: AUDIT_CONSUMER.batchSize,
      MaximumRetryAttempts: AUDIT_CONSUMER.retryAttempts,
      BisectBatchOnFunctionError: true,
      MaximumRecordAgeInSeconds: AUDIT_CONSUMER.maxRecordAgeSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ParallelizationFactor: 10,
    });
    expect(AUDIT_CONSUMER.retryAttempts).toBeGreaterThan(0);
    expect(AUDIT_CONSUMER.retryAttempts).toBeLessThanOrEqual(10);
  });

  test('filters out the derived entity types, by the new image (insert, modify) or the old one (remove)', () => {
    const filters = (mapping().FilterCriteria as { Filters: Array<{ Pattern: string }> }).Filters.map((f) => JSON.parse(f.Pattern));
    const notDerived = { 'anything-but': [...DERIVED_ENTITY_TYPES] };
    expect(filters).toEqual([
      { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entityType: { S: [notDerived] } } } },
      { eventName: ['REMOVE'], dynamodb: { OldImage: { entityType: { S: [notDerived] } } } },
    ]);
    expect(DERIVED_ENTITY_TYPES).toEqual(expect.arrayContaining(['audit', 'metric', 'idempotency', 'unique']));
  });

  test('sends what keeps failing to an encrypted, TLS-only queue', () => {
    const queueId = logicalIdOf(synth.stack.audit.deadLetterQueue);
    expect(mapping().DestinationConfig).toEqual({ OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } });
    const queue = resourcesOf(synth.template, 'AWS::SQS::Queue')[queueId]!;
    expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    const policies = Object.values(resourcesOf(synth.template, 'AWS::SQS::QueuePolicy')).filter((p) =>
      (p.Properties.Queues as Array<{ Ref: string }>).some((q) => q.Ref === queueId),
    );
    expect(policies.flatMap((p) => (p.Properties.PolicyDocument as { Statement: unknown[] }).Statement)).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const send = statementsOf(synth.stack.audit.consumerFunction).find((s) => actions(s).includes('sqs:SendMessage'));
    expect(send?.Resource).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
  });
});

describe('the audit module (read routes)', () => {
  test('reads the audit table and its indexes, and writes nothing to it', () => {
    const fn = synth.stack.modules.functions.audit;
    const onAudit = statementsOf(fn).filter(onAuditTable);
    const granted = onAudit.flatMap(actions);
    expect(new Set(granted)).toEqual(new Set(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem']));
    const indexStatement = onAudit.find((s) => s.Action === 'dynamodb:Query');
    expect(indexStatement?.Resource).toEqual(
      synth.stack.data.auditIndexNames.map((name) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [auditId(), 'Arn'] }, `/index/${name}`]] })),
    );
    const variables = (resourcesOf(synth.template, 'AWS::Lambda::Function')[logicalIdOf(fn)]!.Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(variables.AUDIT_TABLE_NAME).toEqual({ Ref: auditId() });
  });

  test('no role in the stack may update or delete audit items', () => {
    const writes = ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'];
    for (const policy of Object.values(resourcesOf(synth.template, 'AWS::IAM::Policy'))) {
      for (const statement of (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement) {
        if (statement.Effect !== 'Allow' || !onAuditTable(statement)) continue;
        for (const write of writes) expect(actions(statement)).not.toContain(write);
      }
    }
  });
});
