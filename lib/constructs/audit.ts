import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AUDIT_CONSUMER, type StreamConsumerDefinition } from '../../functions/shared/schema/stream-consumers';
import { ModuleFunction, type ModuleLogLevel } from './module-function';
import { StreamConsumer } from './stream-consumer';

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
 * The audit log (docs/architecture.md#audit-log): a stream consumer that appends one hash-chained entry per change of the
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

    // Filtered event source, bisect, bounded retries, record age, in-order batches and the DLQ.
    const consumer = new StreamConsumer(this, 'Consumer', { table: props.table, handler: this.consumerFunction, definition: settings });
    this.deadLetterQueue = consumer.deadLetterQueue;
    this.eventSource = consumer.eventSource;

    props.readerFunction.grantTableRead(props.auditTable, props.auditIndexNames);
    props.readerFunction.addEnvironment('AUDIT_TABLE_NAME', props.auditTable.tableName);
  }
}
