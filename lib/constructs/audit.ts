import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AUDIT_CONSUMER, type StreamConsumerDefinition } from '../schema/stream-consumers';
import { ModuleFunction, type ModuleLogLevel } from './module-function';

/** Default retention of audit entries: 7 years (2557 days). */
export const DEFAULT_AUDIT_RETENTION = Duration.days(2557);

/** Properties of {@link AuditLog}. */
export interface AuditLogProps {
  /** The single table; its stream (NEW_AND_OLD_IMAGES) feeds the consumer. */
  readonly table: ITable;
  /** The append-only audit table (`AuditLog`). */
  readonly auditTable: ITable;
  /** The audit table's global secondary indexes (byActor, byDay), queried by the audit routes. */
  readonly auditIndexNames: readonly string[];
  /**
   * The audit module's function (the read routes). It gets read access to the audit table and its
   * name as `AUDIT_TABLE_NAME`; it never gets a write.
   */
  readonly readerFunction: ModuleFunction;
  /**
   * How long entries are kept before DynamoDB's TTL may delete them (entries written under a legal hold
   * never expire). Passed to the consumer as `AUDIT_RETENTION_DAYS`.
   * @default DEFAULT_AUDIT_RETENTION (7 years)
   */
  readonly retention?: Duration;
  /**
   * Event source mapping settings (shared with the local runtime).
   * @default AUDIT_CONSUMER
   */
  readonly consumer?: StreamConsumerDefinition;
  /**
   * Retention of the consumer's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Powertools log level of the consumer.
   * @default 'INFO'
   */
  readonly logLevel?: ModuleLogLevel;
}

/**
 * The audit log (DESIGN §8): a stream consumer that appends one hash-chained entry per change of the
 * single table to the audit table, and the read access of the audit routes.
 *
 * - Event source mapping: batch size, bounded retries, bisect on error, a maximum record age,
 *   partial batch responses, and an on-failure destination (an encrypted, TLS-only SQS queue that
 *   receives the shard and sequence range of every batch that kept failing). A filter keeps derived
 *   entity types (unique claims, metrics, idempotency records, audit) away from the function.
 * - The consumer may read the audit table (GetItem, BatchGetItem) and **put** items on it (a
 *   transaction of conditional puts): no UpdateItem, no DeleteItem. On top of that, the table's
 *   resource policy (DataTables) denies updates and deletes to every principal.
 */
export class AuditLog extends Construct {
  /** The stream consumer that writes the entries. */
  public readonly consumerFunction: ModuleFunction;
  /** On-failure destination of the event source mapping (alarm on its depth). */
  public readonly deadLetterQueue: Queue;
  /** The event source mapping of the single table's stream. */
  public readonly eventSource: DynamoEventSource;

  constructor(scope: Construct, id: string, props: AuditLogProps) {
    super(scope, id);
    const settings = props.consumer ?? AUDIT_CONSUMER;
    const retentionDays = (props.retention ?? DEFAULT_AUDIT_RETENTION).toDays();

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination: the on-failure destination of the audit event source mapping, which ' +
        'cdk-nag cannot see as a DLQ because no redrive policy names it. Messages leave it only when an operator replays the ' +
        'stream range they name, so a further DLQ behind it would never receive anything.',
    });

    this.consumerFunction = new ModuleFunction(this, 'ConsumerFunction', {
      moduleName: 'audit-consumer',
      entry: 'functions/audit/consumer.ts',
      description: 'Backoffice audit log: appends one hash-chained entry per change of the single table',
      // The one table the consumer touches is the audit table; it reads the changes from the stream.
      table: props.auditTable,
      tableAccess: 'getItem',
      // A batch is processed record by record (2 requests each): allow for throttling retries.
      timeout: Duration.seconds(60),
      memorySize: 512,
      environment: {
        AUDIT_TABLE_NAME: props.auditTable.tableName,
        AUDIT_RETENTION_DAYS: String(retentionDays),
      },
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      ...(props.logLevel === undefined ? {} : { logLevel: props.logLevel }),
    });
    // Append only: read the chain head, marker and holds (BatchGetItem) and put new items. A
    // TransactWriteItems of puts is authorized by PutItem; there is no UpdateItem or DeleteItem.
    this.consumerFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['dynamodb:BatchGetItem', 'dynamodb:PutItem'], resources: [props.auditTable.tableArn] }),
    );
    props.auditTable.encryptionKey?.grantEncryptDecrypt(this.consumerFunction);

    const notDerived = { 'anything-but': [...settings.excludeEntityTypes] };
    this.eventSource = new DynamoEventSource(props.table, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: settings.batchSize,
      retryAttempts: settings.retryAttempts,
      bisectBatchOnError: settings.bisectOnError,
      maxRecordAge: Duration.seconds(settings.maxRecordAgeSeconds),
      reportBatchItemFailures: true,
      // One batch per shard at a time: an entity's changes reach its chain in order.
      parallelizationFactor: 1,
      onFailure: new SqsDlq(this.deadLetterQueue),
      filters: [
        // Inserts and updates by the new image's type, removals by the old image's.
        { pattern: JSON.stringify({ eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entityType: { S: [notDerived] } } } }) },
        { pattern: JSON.stringify({ eventName: ['REMOVE'], dynamodb: { OldImage: { entityType: { S: [notDerived] } } } }) },
      ],
    });
    this.consumerFunction.addEventSource(this.eventSource);
    Validations.of(this.consumerFunction.executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Resource "*" appears only for actions without resource-level permissions: xray:PutTraceSegments and ' +
        'xray:PutTelemetryRecords (active tracing) and dynamodb:ListStreams (added by the DynamoDB event source). Reading the ' +
        'stream (DescribeStream, GetRecords, GetShardIterator) names the stream ARN, and audit table grants name the table ARN.',
    });

    props.readerFunction.grantTableRead(props.auditTable, props.auditIndexNames);
    props.readerFunction.addEnvironment('AUDIT_TABLE_NAME', props.auditTable.tableName);
  }
}
