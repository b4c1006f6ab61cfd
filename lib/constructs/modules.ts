import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { OPENAPI_FILES } from '../../functions/docs/files';
import { MODULES, type ModuleName } from '../../functions/shared/http/route';
import { ModuleFunction, type ModuleLogLevel, type TableAccess } from './module-function';

/**
 * What each module may do on the single table (least privilege). Typed over MODULES: a new module
 * does not compile until its access is declared here.
 * - docs: serves a bundled document; reads only the caller's staff record to authorize (GetItem).
 * - iam: staff, roles, partners and keys (reads, lists, transactional writes).
 * - catalog: products and stock (reads, lists, transactional writes).
 * - orders: customers, orders and their history, partner orders (reads, BatchGetItem of products,
 *   lists, transactions that reserve and release stock).
 * - finance: payments, refunds and the ledger (reads, lists, transactions with ledger postings).
 * - logistics: shipments and tracking events (reads, transactions that move orders and stock).
 * - audit: reads the caller's staff record to authorize (GetItem); its own table, the audit log, is
 *   granted by the AuditLog construct (read only).
 * - support: tickets, their history and comments (reads, lists, transactions with a customer or
 *   staff condition check).
 * - content: pieces, their versions and slug claims (reads, lists, transactions); requests publishing
 *   approvals (the workflow function applies them).
 * - approvals: approvals, their inbox and the policy (reads, lists, conditional writes); the state
 *   machine's tasks run in a function of their own (lib/constructs/approvals.ts).
 * - analytics: reads the daily metric items (one Query); the metrics consumer that writes them is a
 *   function of its own (lib/constructs/analytics.ts).
 * - exports: writes and reads export job items (PutItem, GetItem, Query of gsi1/gsi2); the worker that
 *   scans the entities runs in a function of its own (lib/constructs/exports.ts).
 * - webhooks: a partner's webhook endpoints (conditional puts and updates), its event feed and
 *   delivery log (Query), replays (conditional updates); reads partners to check scopes.
 */
export const MODULE_TABLE_ACCESS: Readonly<Record<ModuleName, TableAccess>> = {
  docs: 'getItem',
  iam: 'readWrite',
  catalog: 'readWrite',
  audit: 'getItem',
  approvals: 'readWrite',
  orders: 'readWrite',
  finance: 'readWrite',
  logistics: 'readWrite',
  exports: 'readWrite',
  support: 'readWrite',
  content: 'readWrite',
  analytics: 'read',
  webhooks: 'readWrite',
};

/**
 * Data a module reads from beside its bundle rather than from inside it: the docs function serves the
 * OpenAPI documents of both APIs (~200 KB minified and growing with every route) without parsing
 * them as code at init.
 */
export const MODULE_BUNDLED_FILES: Partial<Record<ModuleName, Readonly<Record<string, string>>>> = {
  docs: Object.fromEntries(Object.values(OPENAPI_FILES).map((file) => [file, `docs/${file}`])),
};

/** Properties of {@link BackofficeModules}. */
export interface BackofficeModulesProps {
  /** The single table every module works on. */
  readonly table: ITable;
  /** Its global secondary indexes (modules with `read`/`readWrite` may query them). */
  readonly tableIndexNames: readonly string[];
  /**
   * Browser origins allowed by CORS (passed to the functions as `ALLOWED_ORIGINS`).
   * @default - none
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Retention of the functions' log groups.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Powertools log level of every function.
   * @default 'INFO'
   */
  readonly logLevel?: ModuleLogLevel;
  /**
   * Table access per module.
   * @default MODULE_TABLE_ACCESS
   */
  readonly tableAccess?: Readonly<Record<ModuleName, TableAccess>>;
}

/**
 * The compute of the back end (docs/architecture.md#architecture-1): one {@link ModuleFunction} per module of MODULES, the
 * partner API-key authorizer, and the generated HMAC key that signs list cursors.
 */
export class BackofficeModules extends Construct {
  /** One function per module. */
  public readonly functions: Readonly<Record<ModuleName, ModuleFunction>>;
  /** The partner API's REQUEST authorizer (GetItem on the table only). */
  public readonly partnerAuthorizer: ModuleFunction;
  /** The generated HMAC key of list cursors (`CURSOR_SIGNING_KEY`). */
  public readonly cursorSigningKey: Secret;

  constructor(scope: Construct, id: string, props: BackofficeModulesProps) {
    super(scope, id);
    const access = props.tableAccess ?? MODULE_TABLE_ACCESS;

    this.cursorSigningKey = new Secret(this, 'CursorSigningKey', {
      description: 'HMAC-SHA256 key that makes Backoffice list cursors tamper-evident',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    });
    Validations.of(this.cursorSigningKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The cursor key only makes pagination cursors tamper-evident (it protects no data and grants no access); the functions ' +
        'receive it at deploy time through a CloudFormation dynamic reference, so rotation is a redeploy (which briefly invalidates ' +
        'open cursors) rather than a rotation Lambda.',
    });

    const functions = {} as Record<ModuleName, ModuleFunction>;
    for (const module of MODULES) {
      functions[module] = new ModuleFunction(this, `${pascal(module)}Function`, {
        moduleName: module,
        table: props.table,
        tableAccess: access[module],
        tableIndexNames: props.tableIndexNames,
        cursorSigningKey: this.cursorSigningKey,
        allowedOrigins: props.allowedOrigins ?? [],
        ...(MODULE_BUNDLED_FILES[module] ? { bundledFiles: MODULE_BUNDLED_FILES[module] } : {}),
        ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
        ...(props.logLevel === undefined ? {} : { logLevel: props.logLevel }),
      });
    }
    this.functions = functions;

    this.partnerAuthorizer = new ModuleFunction(this, 'PartnerAuthorizerFunction', {
      moduleName: 'partner-authorizer',
      entry: 'functions/iam/partner-authorizer.ts',
      description: 'Backoffice partner API key authorizer',
      table: props.table,
      tableAccess: 'getItem',
      // Runs before every partner request (no result cache): two GetItems, a hash comparison and the
      // day's request count (RateLimit field), since API Gateway tells the backend nothing of it.
      environment: { COUNT_PARTNER_REQUESTS: 'true' },
      timeout: Duration.seconds(5),
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      ...(props.logLevel === undefined ? {} : { logLevel: props.logLevel }),
    });
    // The request counter, and nothing else: UpdateItem only on partition keys USAGE#….
    this.partnerAuthorizer.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USAGE#*'] } },
      }),
    );
    props.table.encryptionKey?.grantEncryptDecrypt(this.partnerAuthorizer);
  }
}

function pascal(name: string): string {
  return name.replace(/(^|[-_])([a-z])/g, (_match, _sep: string, letter: string) => letter.toUpperCase());
}
