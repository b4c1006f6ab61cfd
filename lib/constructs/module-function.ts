import * as path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, SourceMapMode, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { SHIPPED_BUNDLING } from './bundling-options';

/** Repository root: entries are resolved from here, whatever the current directory. */
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * How much of the table a function may touch (least privilege, docs/architecture.md#data):
 * - `none`: nothing (e.g. a stream consumer that only reads its records from the stream);
 * - `getItem`: `GetItem` on the table only (point lookups, e.g. the staff or API-key record);
 * - `read`: `GetItem`, `BatchGetItem`, `Query`, `ConditionCheckItem`, and `Query` on the named indexes;
 * - `readWrite`: `read` plus `PutItem`, `UpdateItem`, `DeleteItem`, `BatchWriteItem`
 *   (`TransactWriteItems` is authorized through these per-item actions).
 * `Scan` is never granted: request paths use `Query` only.
 */
export type TableAccess = 'none' | 'getItem' | 'read' | 'readWrite';

const ITEM_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const ITEM_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/** Powertools log levels. */
export type ModuleLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Properties of {@link ModuleFunction}. */
export interface ModuleFunctionProps {
  /**
   * The module this function serves (`catalog`, `iam`, …). Becomes `POWERTOOLS_SERVICE_NAME`
   * and, unless `entry` is given, selects the entry `functions/<moduleName>/handler.ts`.
   */
  readonly moduleName: string;
  /**
   * Entry file, relative to the repository root.
   * @default `functions/<moduleName>/handler.ts`
   */
  readonly entry?: string;
  /**
   * Name of the exported handler function in the entry file.
   * @default 'handler'
   */
  readonly handlerExport?: string;
  /** Human-readable description shown in the Lambda console. */
  readonly description?: string;
  /** The table the function works on; its name is passed as `TABLE_NAME`. */
  readonly table: ITable;
  /** What the function may do on `table`; see {@link TableAccess}. */
  readonly tableAccess: TableAccess;
  /**
   * Global secondary indexes of `table` the function may `Query` (only with `read`/`readWrite`).
   * @default - none
   */
  readonly tableIndexNames?: readonly string[];
  /**
   * Secret holding the HMAC key of list cursors, passed as `CURSOR_SIGNING_KEY`.
   * @default - the variable is not set (the function does not list)
   */
  readonly cursorSigningKey?: ISecret;
  /**
   * Origins allowed by CORS, passed comma-separated as `ALLOWED_ORIGINS`.
   * @default - the variable is not set
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Powertools log level (`POWERTOOLS_LOG_LEVEL`).
   * @default 'INFO'
   */
  readonly logLevel?: ModuleLogLevel;
  /**
   * How long the function's log group keeps events.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Memory in MB. Lambda allocates CPU in proportion to memory; 1024 MB (about 0.6 vCPU) keeps
   * cold starts (module init of the bundle: SDK client, zod schemas, middy) and JSON/zod work
   * short, which for short, CPU-bound API calls usually costs little more than 512 MB because the
   * duration falls. Tune per function with the benchmarks (docs/architecture.md#performance).
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * Maximum run time. API Gateway gives up after 29–30 s; a DynamoDB request path finishes in
   * well under a second, so 10 s bounds retries of throttled calls without holding connections.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Additional environment variables.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Data files shipped beside the bundle, not inside it: file name in the asset → path from the
   * repository root (e.g. the OpenAPI document the docs function serves).
   * @default - none
   */
  readonly bundledFiles?: Readonly<Record<string, string>>;
}

/** Bundling hooks that copy data files into the asset (local bundling runs the commands in a shell). */
function copyFiles(files: Readonly<Record<string, string>>): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) =>
      Object.entries(files).map(([name, source]) => `cp "${path.join(inputDir, source)}" "${path.join(outputDir, name)}"`),
  };
}

/**
 * A module's Lambda function with the project's defaults in one place (docs/architecture.md#architecture-1, #patterns-we-follow):
 * Node.js 22 on arm64, esbuild bundle (minified, source maps, target node22, AWS SDK bundled so the
 * deployed code runs the SDK version that was tested), an explicit log group with retention,
 * X-Ray active tracing, an execution role holding only what is granted here, and the environment
 * every handler expects (`TABLE_NAME`, `POWERTOOLS_*`, `CURSOR_SIGNING_KEY`, `ALLOWED_ORIGINS`).
 */
export class ModuleFunction extends NodejsFunction {
  /** The module name (also `POWERTOOLS_SERVICE_NAME`). */
  public readonly moduleName: string;
  /** The function's log group (retention applied). */
  public readonly functionLogGroup: LogGroup;
  /** The execution role (no AWS managed policies). */
  public readonly executionRole: Role;

  constructor(scope: Construct, id: string, props: ModuleFunctionProps) {
    // The log group and role live beside the function (created before `super`, which needs them).
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.moduleName} function`,
    });
    // Writing to its own log group is all the logging a function needs (it never creates groups),
    // instead of the AWS managed AWSLambdaBasicExecutionRole, which allows every log group.
    logGroup.grantWrite(role);

    const environment: Record<string, string> = {
      TABLE_NAME: props.table.tableName,
      POWERTOOLS_SERVICE_NAME: props.moduleName,
      POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
      // Events carry bearer tokens, API keys and request bodies: never log them whole.
      POWERTOOLS_LOGGER_LOG_EVENT: 'false',
      NODE_OPTIONS: '--enable-source-maps',
      ...props.environment,
    };
    if (props.allowedOrigins) environment.ALLOWED_ORIGINS = props.allowedOrigins.join(',');
    if (props.cursorSigningKey) {
      // A CloudFormation dynamic reference ({{resolve:secretsmanager:…}}): CloudFormation reads the
      // secret at deploy time (the template only holds the reference) and Lambda keeps it with the
      // other variables, encrypted at rest but readable by whoever may call GetFunctionConfiguration.
      // Acceptable here: the key only makes list cursors tamper-evident (it protects no data and grants
      // no access), and reading it from the environment avoids a Secrets Manager call during init and
      // any secretsmanager grant on the role. Rotating it is a redeploy; cursors issued before then
      // become invalid (400, the client lists again). A more sensitive secret would be fetched at
      // runtime instead (Powertools Parameters with caching).
      environment.CURSOR_SIGNING_KEY = props.cursorSigningKey.secretValue.unsafeUnwrap();
    }

    super(scope, id, {
      entry: path.join(PROJECT_ROOT, props.entry ?? path.join('functions', props.moduleName, 'handler.ts')),
      handler: props.handlerExport ?? 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description ?? `Backoffice ${props.moduleName} module`,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup,
      // Lambda's JSON log format: the platform's own lines (START, REPORT with duration and memory,
      // timeouts) are JSON too, so every line of the log group is structured and queryable; the
      // application level filter matches Powertools' level (which Powertools then follows).
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[props.logLevel ?? 'INFO'],
      systemLogLevelV2: SystemLogLevel.INFO,
      role,
      environment,
      // Shared with bench/bundles.ts (lib/constructs/bundling-options.ts): what is measured is what ships.
      bundling: {
        minify: SHIPPED_BUNDLING.minify,
        sourceMap: SHIPPED_BUNDLING.sourceMap,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: SHIPPED_BUNDLING.sourcesContent,
        target: SHIPPED_BUNDLING.target,
        format: OutputFormat.CJS,
        mainFields: [...SHIPPED_BUNDLING.mainFields],
        bundleAwsSDK: true,
        externalModules: [...SHIPPED_BUNDLING.externalModules],
        logLevel: LogLevel.WARNING,
        ...(props.bundledFiles ? { commandHooks: copyFiles(props.bundledFiles) } : {}),
      },
    });
    this.moduleName = props.moduleName;
    this.functionLogGroup = logGroup;
    this.executionRole = role;

    this.grantTableAccess(props.table, props.tableAccess, props.tableIndexNames ?? []);

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose: the code is bundled with esbuild target node22, tested on Node 22 ' +
        '(the toolchain pins node@22) and its dependencies require Node >= 22; move to a newer runtime together with the toolchain.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only the X-Ray statement added by active tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) uses Resource "*": ' +
        'these actions do not support resource-level permissions (see the X-Ray "Actions, resources, and condition keys" reference). ' +
        'Table grants name the table and index ARNs.',
    });
  }

  /** `GetItem` on the table only. */
  public grantTableGetItem(table: ITable): void {
    this.grantTableAccess(table, 'getItem');
  }

  /** Item reads on the table and `Query` on the named indexes. */
  public grantTableRead(table: ITable, indexNames: readonly string[] = []): void {
    this.grantTableAccess(table, 'read', indexNames);
  }

  /** Item reads and writes on the table and `Query` on the named indexes. */
  public grantTableReadWrite(table: ITable, indexNames: readonly string[] = []): void {
    this.grantTableAccess(table, 'readWrite', indexNames);
  }

  /** Grants exactly the actions of `access` (see {@link TableAccess}), with explicit ARNs (no wildcards). */
  public grantTableAccess(table: ITable, access: TableAccess, indexNames: readonly string[] = []): void {
    if (access === 'none') return;
    const tableActions =
      access === 'getItem' ? ['dynamodb:GetItem'] : access === 'read' ? ITEM_READ_ACTIONS : [...ITEM_READ_ACTIONS, ...ITEM_WRITE_ACTIONS];
    this.addToRolePolicy(new PolicyStatement({ actions: tableActions, resources: [table.tableArn] }));
    if (access !== 'getItem' && indexNames.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: indexNames.map((name) => `${table.tableArn}/index/${name}`),
        }),
      );
    }
    if (table.encryptionKey) {
      if (access === 'readWrite') table.encryptionKey.grantEncryptDecrypt(this);
      else table.encryptionKey.grantDecrypt(this);
    }
  }
}
