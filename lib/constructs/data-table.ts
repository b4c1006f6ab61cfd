import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
  type ITable,
} from 'aws-cdk-lib/aws-dynamodb';
import { AnyPrincipal, Effect, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { AUDIT_TABLE, SINGLE_TABLE, type TableDefinition } from '../../functions/shared/schema/tables';

/** Options shared by every table this construct builds. */
export interface DataTableOptions {
  /**
   * Customer managed KMS key for encryption at rest. Without it the tables use the AWS managed
   * key `aws/dynamodb` (KMS encryption, key usage visible in CloudTrail, no key to administer).
   * @default - AWS managed key
   */
  readonly encryptionKey?: IKey;
  /**
   * What happens to the tables when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Refuse `DeleteTable` (deletion protection), independent of the removal policy.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/** Extra knobs for one table built from a {@link TableDefinition}. */
export interface TableFromDefinitionProps extends DataTableOptions {
  /** Keys, indexes, TTL attribute and stream of the table (shared with the local runtime). */
  readonly definition: TableDefinition;
  /**
   * Resource policy attached to the table (for example a deny of item updates for an append-only log).
   * @default - none
   */
  readonly resourcePolicy?: PolicyDocument;
}

/**
 * Builds a DynamoDB table from a plain {@link TableDefinition}: string keys, every GSI with ALL
 * projection, on-demand billing, point-in-time recovery, deletion protection, KMS encryption,
 * TTL and stream as declared. The local runtime creates DynamoDB Local tables from the same
 * definition, so both environments have identical keys and indexes.
 *
 * `AWS::DynamoDB::Table` (the `Table` construct) rather than `TableV2`'s global table: the design
 * is single-region, and cdk-nag's point-in-time-recovery check (AwsSolutions-DDB3) inspects it.
 */
export function tableFromDefinition(scope: Construct, id: string, props: TableFromDefinitionProps): Table {
  const { definition } = props;
  const table = new Table(scope, id, {
    partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
    sortKey: { name: definition.sortKey, type: AttributeType.STRING },
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: props.deletionProtection ?? true,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    ...(props.encryptionKey
      ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.encryptionKey }
      : { encryption: TableEncryption.AWS_MANAGED }),
    ...(definition.ttlAttribute ? { timeToLiveAttribute: definition.ttlAttribute } : {}),
    ...(definition.stream ? { stream: StreamViewType[definition.stream] } : {}),
    ...(props.resourcePolicy ? { resourcePolicy: props.resourcePolicy } : {}),
  });
  for (const index of definition.globalIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      sortKey: { name: index.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
  }
  return table;
}

/** A table that already exists in the account (for example one restored from a backup). */
export interface ExistingTable {
  /** Its physical name. */
  readonly tableName: string;
  /**
   * ARN of its stream (NEW_AND_OLD_IMAGES). Required for the single table, whose stream feeds the consumers.
   * @default - no stream
   */
  readonly tableStreamArn?: string;
}

/** Properties of {@link DataTables}. */
export interface DataTablesProps extends DataTableOptions {
  /**
   * Use existing tables instead of the ones this construct creates: the switch step of the restore
   * runbook (docs/runbook-restore.md). A table the stack created before leaves the stack but stays in
   * the account (removal policy RETAIN, deletion protection), so switching back is the same step in
   * reverse. Settings CloudFormation would otherwise apply (PITR, deletion protection, TTL, stream,
   * the audit table's resource policy) are the runbook's job on an existing table.
   * @default - both tables are created by the stack
   */
  readonly existingTables?: { readonly table?: ExistingTable; readonly auditTable?: ExistingTable };
  /**
   * Attach a resource policy to the audit table that denies item updates and deletes to every
   * principal, so no route and no IAM grant can rewrite or remove an entry (docs/architecture.md#audit-log). Expiry by
   * TTL is done by DynamoDB itself and is not affected.
   * @default true
   */
  readonly appendOnlyAudit?: boolean;
}

/**
 * The data layer (docs/architecture.md#data, #audit-log): the single table `Backoffice` (streams NEW_AND_OLD_IMAGES to the
 * audit and metrics consumers) and the separate, append-only audit table `AuditLog`.
 */
export class DataTables extends Construct {
  /** The single table holding every entity. */
  public readonly table: ITable;
  /** The hash-chained audit log written by the stream consumer. */
  public readonly auditTable: ITable;
  /** Names of the single table's global secondary indexes, for index-scoped grants. */
  public readonly tableIndexNames: readonly string[];
  /** Names of the audit table's global secondary indexes, for index-scoped grants. */
  public readonly auditIndexNames: readonly string[];

  constructor(scope: Construct, id: string, props: DataTablesProps = {}) {
    super(scope, id);
    const { appendOnlyAudit = true, existingTables, ...options } = props;
    if (existingTables?.table && !existingTables.table.tableStreamArn) {
      throw new Error('DataTables: an existing single table needs its tableStreamArn (the stream consumers read it)');
    }
    this.table = existingTables?.table
      ? existingTable(this, SINGLE_TABLE.name, SINGLE_TABLE, existingTables.table)
      : tableFromDefinition(this, SINGLE_TABLE.name, { ...options, definition: SINGLE_TABLE });
    this.auditTable = existingTables?.auditTable
      ? existingTable(this, AUDIT_TABLE.name, AUDIT_TABLE, existingTables.auditTable)
      : tableFromDefinition(this, AUDIT_TABLE.name, {
      ...options,
      definition: AUDIT_TABLE,
      ...(appendOnlyAudit
        ? {
            resourcePolicy: new PolicyDocument({
              statements: [
                new PolicyStatement({
                  sid: 'AuditEntriesAreAppendOnly',
                  effect: Effect.DENY,
                  principals: [new AnyPrincipal()],
                  // PutItem stays allowed for the writer, which appends with a conditional put on the
                  // next sequence number; everything that could rewrite or remove an entry is denied.
                  actions: [
                    'dynamodb:UpdateItem',
                    'dynamodb:DeleteItem',
                    'dynamodb:BatchWriteItem',
                    'dynamodb:PartiQLUpdate',
                    'dynamodb:PartiQLDelete',
                  ],
                  resources: ['*'],
                }),
              ],
            }),
          }
        : {}),
    });
    this.tableIndexNames = SINGLE_TABLE.globalIndexes.map((index) => index.indexName);
    this.auditIndexNames = AUDIT_TABLE.globalIndexes.map((index) => index.indexName);
  }
}

/** An existing table with the indexes of its definition (so index-scoped grants name them). */
function existingTable(scope: Construct, id: string, definition: TableDefinition, existing: ExistingTable): ITable {
  return Table.fromTableAttributes(scope, id, {
    tableName: existing.tableName,
    ...(existing.tableStreamArn ? { tableStreamArn: existing.tableStreamArn } : {}),
    globalIndexes: definition.globalIndexes.map((index) => index.indexName),
  });
}
