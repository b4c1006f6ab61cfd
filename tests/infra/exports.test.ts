import { Match } from 'aws-cdk-lib/assertions';
import { ENTITY_DEFINITIONS, EXPORT_ENTITIES } from '../../functions/exports/entities';
import type { ModuleFunction } from '../../lib/constructs/module-function';
import { disposeBackoffice, logicalIdOf, resourcesOf, synthBackoffice, type SynthesizedBackoffice } from './synth-stack';

/** The exports infrastructure (docs/architecture.md#analytics-and-exports): bucket, worker grants, stream trigger, daily schedule, Glue tables. */
let synth: SynthesizedBackoffice;
beforeAll(() => {
  synth = synthBackoffice();
});
afterAll(() => disposeBackoffice(synth));

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

function statementsOf(fn: ModuleFunction): Statement[] {
  const roleId = logicalIdOf(fn.executionRole);
  return Object.values(resourcesOf(synth.template, 'AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref === roleId))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}
const actionsOf = (fn: ModuleFunction) => statementsOf(fn).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

test('the exports bucket is encrypted, private, TLS only, logged, and expires what it holds', () => {
  const bucketId = logicalIdOf(synth.stack.exports.bucket);
  const bucket = resourcesOf(synth.template, 'AWS::S3::Bucket')[bucketId]!;
  expect(bucket.DeletionPolicy).toBe('Retain');
  expect(bucket.Properties).toMatchObject({
    BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    LoggingConfiguration: { DestinationBucketName: { Ref: logicalIdOf(synth.stack.exports.accessLogsBucket) } },
  });
  const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> }).Rules;
  expect(rules).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ Prefix: 'exports/', ExpirationInDays: 7, Status: 'Enabled' }),
      expect.objectContaining({ Prefix: 'daily/', ExpirationInDays: 400 }),
      expect.objectContaining({ Prefix: 'checkpoints/', ExpirationInDays: 2 }),
      expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } }),
    ]),
  );
  synth.template.hasResourceProperties('AWS::S3::BucketPolicy', {
    Bucket: { Ref: bucketId },
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Principal: { AWS: '*' } }),
      ]),
    },
  });
});

test('the worker scans, updates job items and writes export objects; it deletes no table item, has a 15-minute timeout and a full vCPU', () => {
  const worker = synth.stack.exports.workerFunction;
  const actions = actionsOf(worker);
  for (const action of ['dynamodb:Scan', 'dynamodb:DescribeTable', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 's3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload']) {
    expect(actions).toContain(action);
  }
  for (const action of ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 's3:*', 's3:DeleteBucket', 's3:PutBucketPolicy']) expect(actions).not.toContain(action);
  const props = resourcesOf(synth.template, 'AWS::Lambda::Function')[logicalIdOf(worker)]!.Properties;
  expect(props.Timeout).toBe(900);
  // A full vCPU: sized from the rows per CPU-second the bench measures (lib/constructs/exports.ts).
  expect(props.MemorySize).toBe(1769);
  expect((props.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
    EXPORTS_BUCKET: { Ref: logicalIdOf(synth.stack.exports.bucket) },
    AUDIT_TABLE_NAME: expect.anything(),
  });
  // The API function only reads export files (to presign downloads).
  const api = actionsOf(synth.stack.modules.functions.exports).filter((action) => action.startsWith('s3:'));
  expect(api).toEqual(['s3:GetObject']);
});

test('the worker is started by export job items of the table stream, and daily by EventBridge Scheduler', () => {
  const workerId = logicalIdOf(synth.stack.exports.workerFunction);
  const mappings = Object.values(resourcesOf(synth.template, 'AWS::Lambda::EventSourceMapping')).filter(
    (m) => (m.Properties.FunctionName as { Ref?: string }).Ref === workerId,
  );
  expect(mappings).toHaveLength(1);
  const filters = (mappings[0]!.Properties.FilterCriteria as { Filters: Array<{ Pattern: string }> }).Filters.map((f) => JSON.parse(f.Pattern));
  expect(filters).toContainEqual(expect.objectContaining({ dynamodb: { NewImage: { entityType: { S: ['export_job'] } } } }));
  expect(mappings[0]!.Properties).toMatchObject({ BatchSize: 1, DestinationConfig: { OnFailure: { Destination: expect.anything() } } });

  synth.template.hasResourceProperties('AWS::Scheduler::Schedule', {
    ScheduleExpression: 'cron(30 2 * * ? *)',
    ScheduleExpressionTimezone: 'Etc/UTC',
    Target: {
      Arn: { 'Fn::GetAtt': [workerId, 'Arn'] },
      Input: JSON.stringify({ kind: 'daily' }),
      RetryPolicy: { MaximumRetryAttempts: 3 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(synth.stack.exports.scheduleDeadLetterQueue), 'Arn'] } },
    },
  });
});

test('Glue has one Parquet table per entity over daily/<entity>/, with the declared columns and a projected dt partition', () => {
  synth.template.resourceCountIs('AWS::Glue::Database', 1);
  const tables = Object.values(resourcesOf(synth.template, 'AWS::Glue::Table'));
  expect(tables).toHaveLength(EXPORT_ENTITIES.length);
  const glueType = { string: 'string', int64: 'bigint', timestamp: 'timestamp', boolean: 'boolean' } as const;
  for (const entity of EXPORT_ENTITIES) {
    const input = tables.map((t) => t.Properties.TableInput as Record<string, any>).find((t) => t.Name === entity); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(input).toBeDefined();
    expect(input!.Parameters).toMatchObject({ classification: 'parquet', 'projection.enabled': 'true', 'projection.dt.type': 'date' });
    expect(input!.PartitionKeys).toEqual([expect.objectContaining({ Name: 'dt', Type: 'string' })]);
    expect(input!.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
    expect(input!.StorageDescriptor.Columns.map((c: { Name: string; Type: string }) => [c.Name, c.Type])).toEqual(
      ENTITY_DEFINITIONS[entity].columns.map((c) => [c.name, glueType[c.type]]),
    );
    expect(JSON.stringify(input!.StorageDescriptor.Location)).toContain(`/daily/${entity}/`);
  }
});
