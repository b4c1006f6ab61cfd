import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Queue as QueueType } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENTITY_DEFINITIONS, EXPORT_ENTITIES, type ColumnType, type ExportEntity } from '../../functions/exports/entities';
import { EXPORT_WORKER_CONSUMER, EXPORT_WORKER_TIMEOUT_SECONDS } from '../../functions/shared/schema/stream-consumers';
import { ModuleFunction, type ModuleLogLevel } from './module-function';
import { StreamConsumer } from './stream-consumer';

/** Memory of the export worker (see where it is set). */
export const EXPORT_WORKER_MEMORY_MB = 1769;

/** Properties of {@link DataExports}. */
export interface DataExportsProps {
  /** The single table: the worker scans it and updates export job items; its stream starts the jobs. */
  readonly table: ITable;
  /** The audit table (the `audit_entry` export scans it, read only). */
  readonly auditTable: ITable;
  /** The exports module's function (the routes): it gets the bucket's name and may read exports to presign downloads. */
  readonly apiFunction: ModuleFunction;
  /**
   * How long on-demand exports (`exports/`) are kept.
   * @default Duration.days(7)
   */
  readonly exportRetention?: Duration;
  /**
   * How long the daily exports (`daily/`, the Glue tables' data) are kept.
   * @default Duration.days(400)
   */
  readonly dailyRetention?: Duration;
  /**
   * When the daily export runs (EventBridge Scheduler, UTC).
   * @default 02:30 UTC every day
   */
  readonly dailySchedule?: ScheduleExpression;
  /**
   * Name of the Glue database.
   * @default 'backoffice_exports'
   */
  readonly glueDatabaseName?: string;
  /**
   * Retention of the worker's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Powertools log level of the worker.
   * @default 'INFO'
   */
  readonly logLevel?: ModuleLogLevel;
}

const GLUE_TYPES: Record<ColumnType, string> = { string: 'string', int64: 'bigint', timestamp: 'timestamp', boolean: 'boolean' };

/**
 * Exports for analysts (docs/architecture.md#analytics-and-exports):
 * - the exports bucket: S3-managed encryption, TLS only, all public access blocked, bucket-owner
 *   objects, server access logs to a bucket of their own; lifecycle: on-demand exports expire after
 *   7 days, daily ones after 400, checkpoints after 2, incomplete multipart uploads are aborted after 2;
 * - the export worker (functions/exports/worker.ts), started by the table stream for export job items
 *   (filtered at the event source) and by the daily schedule; Scan of both tables, updates of job items,
 *   objects under `exports/`, `daily/` and `checkpoints/` only;
 * - EventBridge Scheduler invoking the worker daily with `{"kind":"daily"}` (retries, DLQ);
 * - a Glue database with one Parquet table per entity over `daily/<entity>/`, columns from the same
 *   declarations as the files (functions/exports/entities.ts), partitioned by `dt` with partition
 *   projection, so Athena queries new days without crawlers.
 */
export class DataExports extends Construct {
  public readonly bucket: Bucket;
  public readonly accessLogsBucket: Bucket;
  public readonly workerFunction: ModuleFunction;
  /** On-failure destination of the worker's event source mapping. */
  public readonly deadLetterQueue: QueueType;
  /** Where the scheduler puts daily invocations it could not deliver. */
  public readonly scheduleDeadLetterQueue: QueueType;
  public readonly schedule: Schedule;
  public readonly glueDatabase: CfnDatabase;
  public readonly glueTables: Readonly<Record<ExportEntity, CfnTable>>;

  constructor(scope: Construct, id: string, props: DataExportsProps) {
    super(scope, id);

    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(400) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket receives the server access logs of the exports bucket; logging its own access would need yet another bucket ' +
        'and so on without end. It is private, TLS only, and written by the S3 logging service alone.',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'exports-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'on-demand-exports', prefix: 'exports/', expiration: props.exportRetention ?? Duration.days(7) },
        { id: 'daily-exports', prefix: 'daily/', expiration: props.dailyRetention ?? Duration.days(400) },
        { id: 'checkpoints', prefix: 'checkpoints/', expiration: Duration.days(2) },
        { id: 'incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(2) },
      ],
    });

    this.workerFunction = new ModuleFunction(this, 'WorkerFunction', {
      moduleName: 'export-worker',
      entry: 'functions/exports/worker.ts',
      description: 'Backoffice export worker: runs export jobs (parallel Scan → CSV / JSON Lines / Parquet → S3 multipart), checkpoints near its timeout',
      table: props.table,
      tableAccess: 'getItem',
      timeout: Duration.seconds(EXPORT_WORKER_TIMEOUT_SECONDS),
      // Sized from the measured rows per CPU-second (bench/exports.ts: 22,000–31,000 for 200,000 orders
      // in every format): Lambda's CPU share grows with memory up to one full vCPU at 1,769 MB, more than
      // twice the 10,000 rows/s goal; at 1,024 MB (0.58 vCPU) the CPU alone would allow 13,000–18,000,
      // too little margin for a slower core. The worker is one thread, so more memory would buy
      // nothing but a second core; the same CPU-seconds at a larger share cost about the same.
      memorySize: EXPORT_WORKER_MEMORY_MB,
      environment: {
        EXPORTS_BUCKET: this.bucket.bucketName,
        AUDIT_TABLE_NAME: props.auditTable.tableName,
        // Scan segments are sized to the table per job (functions/exports/source-repository.ts).
        EXPORT_RESERVE_MS: '60000',
      },
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      ...(props.logLevel === undefined ? {} : { logLevel: props.logLevel }),
    });
    // Scan both tables (exports are the one Scan, off the request path) and read their size (the segment
    // count); job items: put (daily jobs) and conditional updates.
    this.workerFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Scan', 'dynamodb:DescribeTable', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
      }),
    );
    this.workerFunction.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Scan', 'dynamodb:DescribeTable'], resources: [props.auditTable.tableArn] }));
    props.table.encryptionKey?.grantEncryptDecrypt(this.workerFunction);
    props.auditTable.encryptionKey?.grantDecrypt(this.workerFunction);
    const prefixes = ['exports/*', 'daily/*', 'checkpoints/*'].map((prefix) => this.bucket.arnForObjects(prefix));
    this.workerFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], resources: prefixes }),
    );
    Validations.of(this.workerFunction.executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::<ExportsBucket54D5CE64.Arn>/exports/*]',
      reason:
        'Export files are named by job id at run time, so the worker writes any object under the exports/, daily/ and checkpoints/ ' +
        'prefixes of its own bucket (and nothing else): the prefix is the narrowest resource that names them.',
    });
    for (const prefix of ['daily', 'checkpoints']) {
      Validations.of(this.workerFunction.executionRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<ExportsBucket54D5CE64.Arn>/${prefix}/*]`,
        reason: `Objects under ${prefix}/ are named by job id (and day) at run time; the prefix of the worker's own bucket is the narrowest resource that names them.`,
      });
    }

    const consumer = new StreamConsumer(this, 'Jobs', { table: props.table, handler: this.workerFunction, definition: EXPORT_WORKER_CONSUMER });
    this.deadLetterQueue = consumer.deadLetterQueue;

    this.scheduleDeadLetterQueue = new Queue(this, 'ScheduleDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.scheduleDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination of the daily export schedule (EventBridge Scheduler puts the invocations ' +
        'it could not deliver here); an operator replays them by invoking the worker with the same input, so no queue sits behind it.',
    });
    const scheduleRole = new Role(this, 'ScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: 'EventBridge Scheduler: invoke the export worker daily and put undeliverable invocations on its queue',
    });
    Validations.of(scheduleRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::<ExportsWorkerFunctionA17FB97C.Arn>:*]',
      reason:
        "The scheduler target's grant (CDK's LambdaInvoke) covers the worker function and its versions and aliases (<arn>:*); " +
        'it names this one function and the single action lambda:InvokeFunction, nothing else.',
    });
    this.schedule = new Schedule(this, 'DailySchedule', {
      description: 'Backoffice: queue the daily Parquet exports of every entity (Glue tables over daily/)',
      schedule: props.dailySchedule ?? ScheduleExpression.cron({ minute: '30', hour: '2' }),
      target: new LambdaInvoke(this.workerFunction, {
        role: scheduleRole,
        input: ScheduleTargetInput.fromObject({ kind: 'daily' }),
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: this.scheduleDeadLetterQueue,
      }),
    });

    // The API function presigns downloads with its own credentials: it may read export files, nothing else.
    props.apiFunction.addEnvironment('EXPORTS_BUCKET', this.bucket.bucketName);
    props.apiFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects('exports/*'), this.bucket.arnForObjects('daily/*')] }),
    );
    for (const prefix of ['exports', 'daily']) {
      Validations.of(props.apiFunction.executionRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<ExportsBucket54D5CE64.Arn>/${prefix}/*]`,
        reason: `The exports module presigns downloads of export files named by job id at run time: read-only GetObject under the ${prefix}/ prefix of the exports bucket.`,
      });
    }

    const account = Stack.of(this).account;
    const databaseName = props.glueDatabaseName ?? 'backoffice_exports';
    this.glueDatabase = new CfnDatabase(this, 'GlueDatabase', {
      catalogId: account,
      databaseInput: { name: databaseName, description: 'Backoffice daily exports (Parquet) for Athena' },
    });
    const tables = {} as Record<ExportEntity, CfnTable>;
    for (const entity of EXPORT_ENTITIES) {
      const definition = ENTITY_DEFINITIONS[entity];
      const location = `s3://${this.bucket.bucketName}/daily/${entity}/`;
      const table = new CfnTable(this, `GlueTable${entity.replace(/(^|_)([a-z])/g, (_m, _s: string, c: string) => c.toUpperCase())}`, {
        catalogId: account,
        databaseName,
        tableInput: {
          name: entity,
          description: definition.description,
          tableType: 'EXTERNAL_TABLE',
          parameters: {
            classification: 'parquet',
            'projection.enabled': 'true',
            'projection.dt.type': 'date',
            'projection.dt.format': 'yyyy-MM-dd',
            'projection.dt.range': '2026-01-01,NOW',
            'projection.dt.interval': '1',
            'projection.dt.interval.unit': 'DAYS',
            'storage.location.template': `${location}dt=\${dt}/`,
          },
          partitionKeys: [{ name: 'dt', type: 'string', comment: 'UTC day of the export (yyyy-MM-dd)' }],
          storageDescriptor: {
            location,
            inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
            serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
            columns: definition.columns.map((column) => ({ name: column.name, type: GLUE_TYPES[column.type], comment: column.description })),
          },
        },
      });
      table.addResourceDependency(this.glueDatabase);
      tables[entity] = table;
    }
    this.glueTables = tables;
  }
}
