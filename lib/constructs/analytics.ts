import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { metricKeys } from '../../functions/shared/keys';
import { METRICS_CONSUMER, type StreamConsumerDefinition } from '../../functions/shared/schema/stream-consumers';
import { ModuleFunction, type ModuleLogLevel } from './module-function';
import { StreamConsumer } from './stream-consumer';

/** Properties of {@link DailyMetrics}. */
export interface DailyMetricsProps {
  /** The single table: its stream feeds the consumer, and the metric items live in it. */
  readonly table: ITable;
  /**
   * Event source mapping settings (shared with the local runtime).
   * @default METRICS_CONSUMER
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
 * The daily metrics (docs/architecture.md#analytics-and-exports): a second stream consumer of the single table that moves one item per
 * UTC day with atomic counters (functions/analytics/consumer.ts). The analytics module function reads
 * them (its table access is declared in MODULE_TABLE_ACCESS).
 *
 * - Event source mapping through {@link StreamConsumer}: only orders, payments, refunds, approvals and
 *   tickets reach the function; partial batch responses, bounded retries, bisect, a maximum record
 *   age and an encrypted, TLS-only dead-letter queue.
 * - Least privilege: the consumer may only `PutItem` (the per-record marker) and `UpdateItem` (the
 *   day's counters) — which is what its TransactWriteItems needs — and only on items whose partition
 *   key is the metrics partition or a marker (`dynamodb:LeadingKeys`).
 */
export class DailyMetrics extends Construct {
  /** The stream consumer that keeps the counters. */
  public readonly consumerFunction: ModuleFunction;
  /** On-failure destination of the event source mapping (alarm on its depth). */
  public readonly deadLetterQueue: Queue;
  /** The event source mapping of the single table's stream. */
  public readonly eventSource: DynamoEventSource;

  constructor(scope: Construct, id: string, props: DailyMetricsProps) {
    super(scope, id);
    const settings = props.consumer ?? METRICS_CONSUMER;

    this.consumerFunction = new ModuleFunction(this, 'ConsumerFunction', {
      moduleName: 'metrics-consumer',
      entry: 'functions/analytics/consumer.ts',
      description: 'Backoffice daily metrics: counts orders, revenue, refunds, transitions, tickets and approvals per UTC day',
      table: props.table,
      // It reads no item: the statement below grants only the two writes of its counting transaction.
      tableAccess: 'none',
      // A batch is counted record by record (one transaction each): allow for throttling retries.
      timeout: Duration.seconds(60),
      memorySize: 512,
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      ...(props.logLevel === undefined ? {} : { logLevel: props.logLevel }),
    });
    this.consumerFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [metricKeys.daysPartition(), metricKeys.event('*').pk] },
        },
      }),
    );
    props.table.encryptionKey?.grantEncryptDecrypt(this.consumerFunction);

    const consumer = new StreamConsumer(this, 'Consumer', { table: props.table, handler: this.consumerFunction, definition: settings });
    this.deadLetterQueue = consumer.deadLetterQueue;
    this.eventSource = consumer.eventSource;
  }
}
