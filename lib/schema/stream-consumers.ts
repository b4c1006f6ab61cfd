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
   * Records older than this go to the on-failure destination instead of the function. Kept well under
   * the stream's 24 h retention, so a record named in a failure message can still be read and replayed.
   */
  maxRecordAgeSeconds: number;
  /** Entity types that never reach the consumer (filtered at the event source). */
  excludeEntityTypes: readonly string[];
  /** When set, only these entity types reach the consumer (takes precedence over the exclusions). */
  entityTypes?: readonly string[];
}

/**
 * The audit log consumer (DESIGN §8). Every entity type reaches it except the derived ones, so a new
 * module's entities are audited as soon as they are written. Records are processed in order, one
 * batch per shard at a time (parallelization factor 1), so an entity's chain follows its changes.
 */
export const AUDIT_CONSUMER: StreamConsumerDefinition = {
  name: 'audit',
  batchSize: 50,
  retryAttempts: 5,
  bisectOnError: true,
  maxRecordAgeSeconds: 12 * 60 * 60,
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
  maxRecordAgeSeconds: 12 * 60 * 60,
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
  maxRecordAgeSeconds: 12 * 60 * 60,
  excludeEntityTypes: [],
  entityTypes: ['partner'],
};
