import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource, type DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { GSI1, GSI2, webhookKeys } from '../../functions/shared/keys';
import { PARTNER_EVENTS_CONSUMER, type StreamConsumerDefinition } from '../../functions/shared/schema/stream-consumers';
import { WEBHOOK_QUEUE } from '../../functions/shared/schema/webhook-queue';
import { ModuleFunction, type ModuleLogLevel } from './module-function';
import { StreamConsumer } from './stream-consumer';

/** The environment variable holding the delivery queue's URL (functions/webhooks/queue.ts). */
const WEBHOOK_QUEUE_URL_ENV = 'WEBHOOK_QUEUE_URL';

/** Properties of {@link PartnerEvents}. */
export interface PartnerEventsProps {
  /** The single table: its stream feeds the consumer; partners, endpoints, events and deliveries live in it. */
  readonly table: ITable;
  /**
   * Event source mapping settings of the consumer (shared with the local runtime).
   * @default PARTNER_EVENTS_CONSUMER
   */
  readonly consumer?: StreamConsumerDefinition;
  /**
   * Retention of the functions' log groups.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Powertools log level of the functions.
   * @default 'INFO'
   */
  readonly logLevel?: ModuleLogLevel;
}

/**
 * Partner events (docs/modules/webhooks.md): the table's changes become events in the partners' feeds
 * and signed webhook deliveries.
 *
 * - The events consumer (functions/webhooks/consumer.ts), a stream consumer through
 *   {@link StreamConsumer}: only inserts and updates of orders, products, content and shipments reach
 *   it; partial batch responses, bounded retries, bisect, a maximum record age, an on-failure queue. It
 *   reads partners (gsi2), endpoints (gsi1), shipments and orders, and may only put items in the event
 *   feeds and delivery logs (`dynamodb:LeadingKeys`): the puts of its one transaction per partner and
 *   event. It queues one message per delivery.
 * - The delivery queue: SQS-managed encryption, TLS only, a redrive policy to its own dead-letter
 *   queue. A message only names a delivery (endpoint and event sort key); the delivery item in the
 *   table holds its state, and a retry's backoff is the message's visibility (ChangeMessageVisibility).
 * - The delivery worker (functions/webhooks/delivery-worker.ts), fed by the queue with partial batch
 *   responses and a maximum concurrency (a bound on the load sent to partners). It reads deliveries
 *   and endpoints and may only update them (`dynamodb:LeadingKeys`).
 *
 * Queue and worker settings are shared with the local queue (functions/shared/schema/webhook-queue.ts).
 * Other functions that queue deliveries (the webhooks module's replays) get {@link grantQueueSend}.
 */
export class PartnerEvents extends Construct {
  /** The stream consumer that turns changes into events and deliveries. */
  public readonly consumerFunction: ModuleFunction;
  /** On-failure destination of the consumer's event source mapping (alarm on its depth). */
  public readonly deadLetterQueue: Queue;
  /** The consumer's event source mapping of the single table's stream. */
  public readonly eventSource: DynamoEventSource;
  /** One message per delivery to attempt. */
  public readonly deliveryQueue: Queue;
  /** Where delivery messages go after `WEBHOOK_QUEUE.maxReceiveCount` receives (alarm on its depth). */
  public readonly deliveryDeadLetterQueue: Queue;
  /** Attempts the deliveries the queue hands it. */
  public readonly deliveryWorker: ModuleFunction;
  /** The worker's event source mapping of the delivery queue. */
  public readonly deliverySource: SqsEventSource;

  constructor(scope: Construct, id: string, props: PartnerEventsProps) {
    super(scope, id);
    const { table } = props;
    const logging = {
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      ...(props.logLevel === undefined ? {} : { logLevel: props.logLevel }),
    };

    this.deliveryDeadLetterQueue = new Queue(this, 'DeliveryDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Longer than the delivery queue's retention: a message keeps its first enqueue time when it moves here.
      retentionPeriod: Duration.days(14),
    });
    this.deliveryQueue = new Queue(this, 'DeliveryQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // At least the worker's timeout (Lambda requires it); a retry hides its message for the retry's delay instead.
      visibilityTimeout: Duration.seconds(WEBHOOK_QUEUE.visibilityTimeoutSeconds),
      // Longer than the whole retry window (about 27 h): no scheduled retry expires in the queue.
      retentionPeriod: Duration.seconds(WEBHOOK_QUEUE.retentionSeconds),
      deadLetterQueue: { queue: this.deliveryDeadLetterQueue, maxReceiveCount: WEBHOOK_QUEUE.maxReceiveCount },
    });

    this.consumerFunction = new ModuleFunction(this, 'ConsumerFunction', {
      moduleName: 'partner-events-consumer',
      entry: 'functions/webhooks/consumer.ts',
      description: 'Backoffice partner events: turns order, shipment, product and content changes into feed events and webhook deliveries',
      table,
      // Partners (listed on gsi2, or one GetItem), endpoints (gsi1), shipments (Query) and orders (GetItem).
      tableAccess: 'read',
      tableIndexNames: [GSI1, GSI2],
      // A batch is processed in order, record by record (reads, one transaction per partner and event, a queue send).
      timeout: Duration.seconds(60),
      memorySize: 512,
      environment: { [WEBHOOK_QUEUE_URL_ENV]: this.deliveryQueue.queueUrl },
      ...logging,
    });
    // Its only writes: the conditional puts of an event in a partner's feed and of its pending deliveries (TransactWriteItems).
    this.consumerFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [webhookKeys.eventsPartition('*'), webhookKeys.deliveriesPartition('*')] },
        },
      }),
    );
    table.encryptionKey?.grantEncryptDecrypt(this.consumerFunction);
    this.deliveryQueue.grantSendMessages(this.consumerFunction);

    const consumer = new StreamConsumer(this, 'Consumer', {
      table,
      handler: this.consumerFunction,
      definition: props.consumer ?? PARTNER_EVENTS_CONSUMER,
    });
    this.deadLetterQueue = consumer.deadLetterQueue;
    this.eventSource = consumer.eventSource;

    // No VPC, on purpose: the worker posts to partners' public https endpoints through Lambda's own
    // internet egress. Its SSRF defence is in code (functions/webhooks/outbound.ts): only https, and the
    // address is checked after DNS resolution on the connection itself (private, loopback, link-local,
    // unique-local, CGNAT, multicast and metadata addresses are refused). Outside a VPC it reaches
    // nothing of ours but the public AWS endpoints its role allows.
    this.deliveryWorker = new ModuleFunction(this, 'DeliveryWorker', {
      moduleName: 'webhook-delivery-worker',
      entry: 'functions/webhooks/delivery-worker.ts',
      description: 'Backoffice webhook delivery: signs and posts one delivery per queue message, retries on the Standard Webhooks schedule',
      table,
      // GetItem of the delivery and its endpoint; the updates are granted below.
      tableAccess: 'getItem',
      // A batch's messages are attempted in parallel, each waiting at most 10 s for an answer, plus its reads and writes.
      timeout: Duration.seconds(WEBHOOK_QUEUE.workerTimeoutSeconds),
      memorySize: 512,
      environment: { [WEBHOOK_QUEUE_URL_ENV]: this.deliveryQueue.queueUrl },
      ...logging,
    });
    // Its only writes: conditional updates of deliveries (claim, outcome) and endpoints (failing, healthy, disabled).
    this.deliveryWorker.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [webhookKeys.deliveriesPartition('*'), webhookKeys.endpoint('*').pk] },
        },
      }),
    );
    table.encryptionKey?.grantEncryptDecrypt(this.deliveryWorker);

    // The event source grants ReceiveMessage, DeleteMessage, ChangeMessageVisibility (a retry's backoff) and GetQueueAttributes.
    this.deliverySource = new SqsEventSource(this.deliveryQueue, {
      batchSize: WEBHOOK_QUEUE.batchSize,
      reportBatchItemFailures: true,
      maxConcurrency: WEBHOOK_QUEUE.maxConcurrency,
    });
    this.deliveryWorker.addEventSource(this.deliverySource);
  }

  /** Lets another function queue deliveries (the webhooks module's replays): SendMessage on the queue and `WEBHOOK_QUEUE_URL`. */
  public grantQueueSend(fn: ModuleFunction): void {
    this.deliveryQueue.grantSendMessages(fn);
    fn.addEnvironment(WEBHOOK_QUEUE_URL_ENV, this.deliveryQueue.queueUrl);
  }
}
