import { DERIVED_ENTITY_TYPES } from './tables';

/**
 * Event source mapping settings of the single table's stream consumers, shared by the CDK constructs
 * (DynamoEventSource) and the local stream poller (local/consumers.ts), so both run a consumer with
 * the same batch size, filters, retries and bisect. Plain data: no CDK import here.
 */
export interface StreamConsumerDefinition {
  /** Names the consumer (local checkpoint and failure file). */
  name: string;
  /** Records per invocation, at most. */
  batchSize: number;
  /** Retries of a failing batch before it goes to the on-failure destination. */
  retryAttempts: number;
  /** Split a failing batch in two before retrying. */
  bisectOnError: boolean;
  /**
   * Batches of one shard processed at once (Lambda's ParallelizationFactor, 1–10). Records of one
   * partition key always go to the same one, in order, so an item's changes are never reordered.
   */
  parallelizationFactor: number;
  /**
   * Records older than this go to the on-failure destination instead of the function. Kept well under
   * the stream's 24 h retention, so a record named in a failure message can still be read and replayed.
   */
  maxRecordAgeSeconds: number;
  /** Entity types that never reach the consumer (filtered at the event source). */
  excludeEntityTypes: readonly string[];
  /** When set, only these entity types reach the consumer (takes precedence over the exclusions). */
  entityTypes?: readonly string[];
  /** When set, only these kinds of change reach the consumer (default: inserts, updates and removals). */
  eventNames?: readonly StreamEventName[];
}

export type StreamEventName = 'INSERT' | 'MODIFY' | 'REMOVE';

/** Half the stream's 24 h retention: a record named in a failure message can still be read and replayed. */
const MAX_RECORD_AGE_SECONDS = 12 * 60 * 60;

/**
 * The audit log consumer (docs/architecture.md#audit-log). Every entity type reaches it except the derived ones, so a new
 * module's entities are audited as soon as they are written. Order matters only within one entity's
 * chain, and an entity's items share its partition key, so up to ten batches of a shard run at once;
 * within a batch the consumer appends different chains at once too.
 */
export const AUDIT_CONSUMER: StreamConsumerDefinition = {
  name: 'audit',
  batchSize: 50,
  retryAttempts: 5,
  bisectOnError: true,
  parallelizationFactor: 10,
  maxRecordAgeSeconds: MAX_RECORD_AGE_SECONDS,
  excludeEntityTypes: DERIVED_ENTITY_TYPES,
};

/**
 * AWS only: staff changes → Cognito users (functions/iam/directory-sync.ts). Locally the table is the
 * user directory, so no local poller runs it.
 */
export const DIRECTORY_SYNC_CONSUMER: StreamConsumerDefinition = {
  name: 'directory-sync',
  batchSize: 10,
  retryAttempts: 10,
  bisectOnError: true,
  parallelizationFactor: 1,
  maxRecordAgeSeconds: MAX_RECORD_AGE_SECONDS,
  excludeEntityTypes: [],
  entityTypes: ['staff'],
};

/**
 * AWS only: partner changes → API Gateway keys and usage plans (functions/iam/usage-plan-sync.ts).
 * Locally the gateway applies the partner record's limits itself.
 */
export const USAGE_PLAN_SYNC_CONSUMER: StreamConsumerDefinition = {
  name: 'usage-plan-sync',
  batchSize: 10,
  retryAttempts: 10,
  bisectOnError: true,
  parallelizationFactor: 1,
  maxRecordAgeSeconds: MAX_RECORD_AGE_SECONDS,
  excludeEntityTypes: [],
  entityTypes: ['partner'],
};

/**
 * Starts the approvals workflow of every new approval (functions/approvals/starter.ts): the transactional
 * outbox of docs/architecture.md#approvals. A command that needs an approval writes the approval item in the same transaction
 * as the subject's "pending approval" state and answers 202; the stream then starts the execution, named
 * after the approval, so a redelivered record starts nothing twice. Retried for as long as the record
 * lives (an approval never waits on a workflow that was silently not started); what still fails lands in
 * the on-failure queue, whose depth alarms.
 */
export const APPROVAL_STARTER_CONSUMER: StreamConsumerDefinition = {
  name: 'approval-starter',
  batchSize: 10,
  retryAttempts: 20,
  bisectOnError: true,
  parallelizationFactor: 1,
  maxRecordAgeSeconds: MAX_RECORD_AGE_SECONDS,
  excludeEntityTypes: [],
  entityTypes: ['approval'],
  eventNames: ['INSERT'],
};

/**
 * The export worker (functions/exports/worker.ts): export job items only. A job whose `legState` is
 * `pending` (just queued, or stopped at a checkpoint) gets its next leg; the worker ignores the job's
 * other changes and claims a leg with a conditional write, so a redelivery runs nothing twice. One
 * record per invocation: a leg may run for most of the function's timeout.
 */
export const EXPORT_WORKER_CONSUMER: StreamConsumerDefinition = {
  name: 'export-worker',
  batchSize: 1,
  retryAttempts: 2,
  bisectOnError: false,
  parallelizationFactor: 1,
  maxRecordAgeSeconds: MAX_RECORD_AGE_SECONDS,
  excludeEntityTypes: [],
  entityTypes: ['export_job'],
};

/** Function timeout of the export worker (Lambda's maximum); a leg stops well before it. */
export const EXPORT_WORKER_TIMEOUT_SECONDS = 15 * 60;

/**
 * The daily metrics consumer (docs/architecture.md#analytics-and-exports, functions/analytics/consumer.ts). Only inserts and updates of
 * the entity types whose changes move a metric reach it (functions/analytics/metrics.ts
 * METRIC_SOURCE_TYPES, kept equal by a unit test); derived items such as the metrics themselves never
 * do. Counting is idempotent per record (a marker keyed by the eventID commits with the counters), so
 * retries and replays are safe.
 */
export const METRICS_CONSUMER: StreamConsumerDefinition = {
  name: 'metrics',
  batchSize: 100,
  retryAttempts: 5,
  bisectOnError: true,
  parallelizationFactor: 1,
  maxRecordAgeSeconds: MAX_RECORD_AGE_SECONDS,
  excludeEntityTypes: DERIVED_ENTITY_TYPES,
  entityTypes: ['order', 'payment', 'refund', 'approval', 'ticket'],
  eventNames: ['INSERT', 'MODIFY'],
};

/**
 * The partner events consumer (functions/webhooks/consumer.ts, docs/modules/webhooks.md): inserts and
 * updates of the entity types whose changes make a partner event (functions/webhooks/events.ts
 * EVENT_SOURCE_TYPES, kept equal by a unit test). Up to ten batches of a shard at once; a resource's
 * changes share its partition key, so its events still reach a partner's feed in the order of its changes. An event's key is derived from
 * the stream record, so retries and replays write nothing twice.
 */
export const PARTNER_EVENTS_CONSUMER: StreamConsumerDefinition = {
  name: 'partner-events',
  batchSize: 50,
  retryAttempts: 10,
  bisectOnError: true,
  parallelizationFactor: 10,
  maxRecordAgeSeconds: MAX_RECORD_AGE_SECONDS,
  excludeEntityTypes: [],
  entityTypes: ['order', 'product', 'content', 'shipment'],
  eventNames: ['INSERT', 'MODIFY'],
};
