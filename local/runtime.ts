import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { AUDIT_TABLE, SINGLE_TABLE } from '../functions/shared/schema/tables';
import { API_BASE_PATH, MODULES, type ModuleName } from '../functions/shared/http/route';
import { startLocalApprovals, type LocalApprovals } from './approvals-workflow';
import { CONSOLE_DIST } from './console-build';
import { parseOrigins } from './cors';
import { assertDataDirFree, acquireDataDirLock, type DataDirLock } from './data-dir-lock';
import { checkJava, ensureTable, LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient, startDynamoDbLocal, type RunningDynamo } from './dynamodb';
import { committedBefore, createCommitBarrier, type CommitBarrier } from './durability';
import { LocalSetupError } from './errors';
import { installModuleHooks } from './module-hooks';
import { startGateway, type LambdaHandler, type RunningGateway, type TokenRequestResult } from './gateway';
import { createLocalIssuer, TOKEN_TTL_SECONDS, type LocalIssuer } from './jwt-issuer';
import { dataDirOf, dataPaths, persistentSecret, prepareDataDir, resetDataDir, writeFileAtomic } from './paths';
import { freePort, portInUse } from './ports';
import { startLocalS3, type LocalS3 } from './s3';
import { createLocalQueue, type LocalDeliveryQueue } from './queue';
import { InvocationGate, startControlServer, type ControlServer } from './quiesce';
import { createStreamPoller, type StreamPoller } from './stream-poller';

/**
 * The whole system on one machine (docs/architecture.md#local-runtime): DynamoDB Local with the stack's tables, the
 * module Lambdas behind a local API Gateway, a local token issuer, the stream poller, demo data.
 * Handlers run unchanged: they reach DynamoDB Local through AWS_ENDPOINT_URL_DYNAMODB. The
 * environment is process-wide and handler modules keep clients at module scope, so run one
 * runtime per process.
 */

/**
 * Handler code is loaded with require(), never import(): under tsx, import() sends CommonJS modules
 * through the ESM loader, which breaks modules that import JSON (the docs handler bundles openapi.json).
 */
const load = createRequire(__filename);

export const TABLE_NAME = SINGLE_TABLE.name;
export const AUDIT_TABLE_NAME = AUDIT_TABLE.name;
export const DEFAULT_PORT = 3000;

export interface LocalRuntimeOptions {
  /** Gateway port (default: PORT, else 3000). */
  port?: number;
  /** Interface to listen on (default: HOST, else loopback only — `/local/token` hands out tokens). */
  host?: string;
  /** State directory (default: BACKOFFICE_DATA_DIR, else `<repo>/.local`). */
  dataDir?: string;
  /** Wipe the state directory first. */
  reset?: boolean;
  /** Admin API CORS origins (default: ALLOWED_ORIGINS, else the local frontend ports). */
  allowedOrigins?: string[];
  /** One line per gateway request (default: off). */
  accessLog?: boolean;
  /** Serve the admin console's build at `/` (default: true; `npm start` builds it first). */
  serveConsole?: boolean;
  /** Progress and notices. */
  log?: (line: string) => void;
  /** Aborts a start in progress (Ctrl-C during startup): everything started is stopped. */
  signal?: AbortSignal;
}

export interface LocalCredentials {
  adminApiUrl: string;
  partnerApiUrl: string;
  /** Email → access token (12 h). */
  tokens: Record<string, string>;
  /** Partner name → API key. */
  partnerKeys: Record<string, string>;
  issuer: string;
  jwksUrl: string;
  tokenUrl: string;
  staff: Record<string, { id: string; roles: string[] }>;
  partners: Record<string, { id: string }>;
  dynamodbEndpoint: string;
  tableName: string;
  auditTableName: string;
  tokensExpireAt: string;
}

export interface LocalRuntime {
  url: string;
  port: number;
  dataDir: string;
  credentials: LocalCredentials;
  credentialsFile: string;
  issuer: LocalIssuer;
  streams: StreamPoller;
  stop(): Promise<void>;
}

function portFromEnv(): number {
  const raw = process.env.PORT;
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new LocalSetupError(`PORT must be a port number (1–65535), not "${raw}"`);
  return port;
}

/** The environment every Lambda of the stack gets, pointed at the local engines. Set before any handler loads. */
function configureEnvironment(values: { dynamodbEndpoint: string; cursorKey: string; allowedOrigins: string[] }): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: values.dynamodbEndpoint,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    TABLE_NAME,
    AUDIT_TABLE_NAME,
    CURSOR_SIGNING_KEY: values.cursorKey,
    ALLOWED_ORIGINS: values.allowedOrigins.join(','),
    VALIDATE_RESPONSES: 'true',
    POWERTOOLS_DEV: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL || 'WARN',
    POWERTOOLS_SERVICE_NAME: process.env.POWERTOOLS_SERVICE_NAME || 'backoffice-local',
    POWERTOOLS_METRICS_NAMESPACE: process.env.POWERTOOLS_METRICS_NAMESPACE || 'Backoffice',
    POWERTOOLS_TRACE_ENABLED: 'false',
    // Webhooks may go to test receivers on http://127.0.0.1 (functions/webhooks/outbound.ts).
    BACKOFFICE_WEBHOOKS_ALLOW_LOOPBACK_HTTP: '1',
  });
  // Real credentials from the shell must never be used locally.
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = options.log ?? (() => undefined);
  const port = options.port ?? portFromEnv();
  const host = options.host ?? (process.env.HOST || undefined);
  const aborted = () => {
    if (options.signal?.aborted) throw new DOMException('The start was aborted', 'AbortError');
  };

  // Fail fast, before anything starts, on the two usual machine problems.
  for (const address of host ? [host] : ['127.0.0.1', '::1']) {
    if (await portInUse(port, address)) {
      throw new LocalSetupError(`Port ${port} is already in use. Stop whatever uses it or choose another port: PORT=${port + 1} npm start`);
    }
  }
  checkJava();

  const dataDir = dataDirOf(options.dataDir);
  if (options.reset) {
    assertDataDirFree(dataDir);
    resetDataDir(dataDir);
    log(`Reset: removed ${dataDir}`);
  }
  prepareDataDir(dataDir);
  const paths = dataPaths(dataDir);
  // One owner per data directory; a DynamoDB Local left running by a killed run is stopped first.
  const lock: DataDirLock = await acquireDataDirLock(dataDir, 'runtime', log);
  // Lambda invocations pass this gate (held while `npm run backup` snapshots; local/quiesce.ts).
  const gate = new InvocationGate();
  let barrier: CommitBarrier | undefined;
  let control: ControlServer | undefined;

  let dynamo: RunningDynamo | undefined;
  let gateway: RunningGateway | undefined;
  let streams: StreamPoller | undefined;
  let approvals: LocalApprovals | undefined;
  let s3: LocalS3 | undefined;
  let deliveries: LocalDeliveryQueue | undefined;
  const stopAll = async () => {
    await approvals?.stop();
    await control?.close();
    await streams?.stop();
    streams?.destroy();
    await deliveries?.stop();
    await gateway?.close();
    await s3?.stop();
    barrier?.destroy();
    await dynamo?.stop();
    lock.release();
  };

  try {
    aborted();
    dynamo = await startDynamoDbLocal({ port: await freePort(), dataDir: paths.dynamodb });
    lock.update({ dynamodbPid: dynamo.process.pid, dynamodbEndpoint: dynamo.endpoint });
    aborted();
    const client = localDynamoClient(dynamo.endpoint);
    try {
      await ensureTable(client, SINGLE_TABLE, TABLE_NAME);
      await ensureTable(client, AUDIT_TABLE, AUDIT_TABLE_NAME);
    } finally {
      client.destroy();
    }
    // Acknowledged means committed: see local/durability.ts.
    barrier = createCommitBarrier(dynamo.endpoint, { name: TABLE_NAME, definition: SINGLE_TABLE });
    const commitBarrier = barrier;

    const allowedOrigins = options.allowedOrigins ?? parseOrigins(process.env.ALLOWED_ORIGINS);
    configureEnvironment({ dynamodbEndpoint: dynamo.endpoint, cursorKey: persistentSecret(paths.cursorKey), allowedOrigins });
    // S3 (the exports bucket): s3rver keeping its objects under <data dir>/s3.
    s3 = await startLocalS3({ port: await freePort(), directory: join(dataDir, 's3'), credentials: LOCAL_CREDENTIALS });
    Object.assign(process.env, { AWS_ENDPOINT_URL_S3: s3.endpoint, EXPORTS_BUCKET: s3.bucket });
    // Step Functions (approvals): executions are kept under <data dir>/stepfunctions and resumed below.
    approvals = await startLocalApprovals({
      stateDir: join(dataDir, 'stepfunctions'),
      loadWorkflow: () => {
        const { handler } = load('../functions/approvals/workflow') as typeof import('../functions/approvals/workflow');
        // A step's writes are committed before the engine records the step as done (local/durability.ts).
        return committedBefore(commitBarrier, handler);
      },
      log,
    });
    Object.assign(process.env, approvals.environment);

    // Handler code is loaded only now, after the environment is set.
    installModuleHooks();
    const { routes } = load('../functions/routes') as typeof import('../functions/routes');
    const { handler: partnerAuthorizer } = load('../functions/iam/partner-authorizer') as typeof import('../functions/iam/partner-authorizer');
    const { findPartner } = load('../functions/iam/partner-repository') as typeof import('../functions/iam/partner-repository');
    const { findStaffIdByEmail } = load('../functions/iam/staff-repository') as typeof import('../functions/iam/staff-repository');
    const { getStaffAccess } = load('../functions/shared/auth/staff-access-repository') as typeof import('../functions/shared/auth/staff-access-repository');
    const { seedDemoData } = load('./seed') as typeof import('./seed');
    const { localStreamConsumers } = load('./consumers') as typeof import('./consumers');
    const { handler: deliveryWorker } = load('../functions/webhooks/delivery-worker') as typeof import('../functions/webhooks/delivery-worker');
    const { useDeliveryQueue } = load('../functions/webhooks/queue') as typeof import('../functions/webhooks/queue');

    const baseUrl = `http://localhost:${port}`;
    const issuer = await createLocalIssuer({ keyFile: paths.jwtKey, issuer: `${baseUrl}/local` });

    aborted();
    const seeded = await seedDemoData({ demoKeysFile: paths.demoKeys, log });
    await commitBarrier.wait();

    const handlers = new Map<ModuleName, Promise<LambdaHandler>>();
    const handlerOf = (module: ModuleName): Promise<LambdaHandler> => {
      if (!MODULES.includes(module)) return Promise.reject(new Error(`Unknown module ${module}`));
      let loaded = handlers.get(module);
      if (!loaded) {
        loaded = Promise.resolve().then(() => {
          const { handler } = load(`../functions/${module}/handler`) as { handler: LambdaHandler };
          // Through the gate, and answered only once its writes are committed.
          return (event: never, context: Context) => gate.run(committedBefore(commitBarrier, () => handler(event, context)));
        });
        handlers.set(module, loaded);
      }
      return loaded;
    };

    const tokenFor = async (email: string): Promise<TokenRequestResult> => {
      const id = await findStaffIdByEmail(email);
      const staff = id ? await getStaffAccess(id) : undefined;
      if (!id || !staff) return { refused: 'unknown' };
      if (staff.status !== 'active') return { refused: 'disabled' };
      return { token: await issuer.issue({ id, email: staff.email }), staffId: id, expiresIn: TOKEN_TTL_SECONDS };
    };

    aborted();
    const startedAt = new Date().toISOString();
    gateway = await startGateway({
      port,
      host: host ?? '127.0.0.1',
      ...(host ? {} : { extraHosts: ['::1'] }),
      routes,
      handlerOf,
      partnerAuthorizer,
      usageLimitsOf: async (partnerId) => {
        const partner = await findPartner(partnerId);
        return partner && partner.status === 'active' ? { rateLimit: partner.rateLimit, dailyQuota: partner.dailyQuota } : undefined;
      },
      issuer,
      allowedOrigins,
      tokenFor,
      health: () => ({ startedAt, dynamodb: dynamo?.endpoint, streamConsumers: streams?.consumerNames ?? [] }),
      ...(options.serveConsole === false
        ? {}
        : {
            console: {
              dir: CONSOLE_DIST,
              // Local sign-in: the console lists the seeded staff and asks /local/token (never in AWS).
              config: () => ({
                apiUrl: API_BASE_PATH.admin,
                auth: { mode: 'local', tokenUrl: '/local/token', staff: seeded.staff.map(({ email, name, roles }) => ({ email, name, roles })) },
              }),
            },
          }),
      ...(options.accessLog ? { accessLog: log } : {}),
    });

    // The webhook delivery queue (SQS in AWS), journaled in the data directory; in place before the stream consumers queue anything.
    deliveries = createLocalQueue({ stateDir: dataDir, handler: (event, context) => gate.run(committedBefore(commitBarrier, () => deliveryWorker(event, context))), log });
    useDeliveryQueue(deliveries);
    deliveries.start();
    streams = createStreamPoller({ endpoint: dynamo.endpoint, tableName: TABLE_NAME, stateDir: dataDir, log });
    for (const consumer of await localStreamConsumers()) {
      // A batch is checkpointed only once the consumer's writes are committed.
      streams.register({ ...consumer, handler: committedBefore(commitBarrier, consumer.handler) });
    }
    if (streams.consumerNames.length > 0) streams.start();
    approvals.resume();
    const poller = streams;
    const dynamodbEndpoint = dynamo.endpoint;
    control = await startControlServer({
      gate,
      streamsSettled: () => poller.settled(),
      committed: () => commitBarrier.wait(),
      describe: () => ({ dynamodbEndpoint, tableName: TABLE_NAME, auditTableName: AUDIT_TABLE_NAME }),
      log,
    });
    lock.update({ url: baseUrl, controlUrl: control.url, controlToken: control.token });

    const tokens: Record<string, string> = {};
    for (const member of seeded.staff) tokens[member.email] = await issuer.issue({ id: member.id, email: member.email });
    const credentials: LocalCredentials = {
      adminApiUrl: baseUrl + API_BASE_PATH.admin,
      partnerApiUrl: baseUrl + API_BASE_PATH.partner,
      tokens,
      partnerKeys: seeded.partnerKeys,
      issuer: issuer.issuer,
      jwksUrl: `${issuer.issuer}/.well-known/jwks.json`,
      tokenUrl: `${issuer.issuer}/token`,
      staff: Object.fromEntries(seeded.staff.map((s) => [s.email, { id: s.id, roles: s.roles }])),
      partners: Object.fromEntries(Object.entries(seeded.partnerIds).map(([name, id]) => [name, { id }])),
      dynamodbEndpoint: dynamo.endpoint,
      tableName: TABLE_NAME,
      auditTableName: AUDIT_TABLE_NAME,
      tokensExpireAt: new Date(Date.now() + TOKEN_TTL_SECONDS * 1000).toISOString(),
    };
    writeFileAtomic(paths.credentials, `${JSON.stringify(credentials, null, 2)}\n`);

    let stopping: Promise<void> | undefined;
    return {
      url: baseUrl,
      port,
      dataDir,
      credentials,
      credentialsFile: paths.credentials,
      issuer,
      streams,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}

