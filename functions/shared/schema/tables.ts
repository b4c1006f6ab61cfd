/**
 * Table definitions shared by the CDK constructs and the local runtime, so DynamoDB Local
 * gets exactly the keys and indexes that AWS gets. Plain data: no CDK import here.
 */
export interface IndexDefinition {
  indexName: string;
  partitionKey: string;
  sortKey: string;
}

export interface TableDefinition {
  /** Logical name; deployed tables get a stack-unique physical name. */
  name: string;
  partitionKey: string;
  sortKey: string;
  globalIndexes: IndexDefinition[];
  /** Attribute holding the expiry epoch seconds. */
  ttlAttribute?: string;
  stream?: 'NEW_AND_OLD_IMAGES';
}

export const SINGLE_TABLE: TableDefinition = {
  name: 'Backoffice',
  partitionKey: 'pk',
  sortKey: 'sk',
  globalIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    // Sparse: only partner orders carry gsi3 keys (orders by partner).
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    // Sparse: only active tickets carry gsi4 keys (the due-time list, "overdue").
    { indexName: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
  ],
  ttlAttribute: 'ttl',
  stream: 'NEW_AND_OLD_IMAGES',
};

export const AUDIT_TABLE: TableDefinition = {
  name: 'AuditLog',
  partitionKey: 'pk',
  sortKey: 'sk',
  globalIndexes: [
    { indexName: 'byActor', partitionKey: 'actor', sortKey: 'at' },
    { indexName: 'byDay', partitionKey: 'day', sortKey: 'at' },
  ],
  ttlAttribute: 'expiresAt',
};

/** Entity types derived from others; filtered out of the stream so consumers never feed themselves. */
export const DERIVED_ENTITY_TYPES = ['unique', 'metric', 'idempotency', 'audit', 'usage_count', 'partner_event', 'webhook_delivery'] as const;
