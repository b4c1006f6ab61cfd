import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OPENAPI_FILES } from '../functions/docs/files';
import { MODULES, type ModuleName } from '../functions/shared/http/route';
import { median, percentile, round } from './stats';

/**
 * Cold start = what a new Lambda container costs before its first answer: `require` of the
 * function's minified bundle (module init) PLUS its first invocation, which builds the route's
 * schemas on first use, opens the DynamoDB connection and makes the function's first requests. Each
 * sample is a fresh Node process that reads a realistic event, then requires the bundle and invokes
 * its handler once against DynamoDB Local (the bench environment, bench/bench-env.ts, must be
 * running: the child inherits its environment). Baseline: bench/baseline-handler.ts, the SDK's
 * document client only, whose first invocation is one GetItem. Runs are interleaved across
 * functions, so drift in machine load hits every function alike.
 */

/** A GET of each HTTP module, with the fixtures of its scenario (bench/route-scenarios.ts). */
const HTTP_ROUTES: Record<ModuleName, string> = {
  docs: 'getOpenApi',
  iam: 'getStaff',
  catalog: 'getProduct',
  audit: 'listAuditEntries',
  approvals: 'listApprovals',
  orders: 'getOrder',
  finance: 'listLedgerAccounts',
  logistics: 'getShipment',
  support: 'getTicket',
  exports: 'getExport',
  analytics: 'getDailyMetrics',
  content: 'getContent',
  webhooks: 'partnerGetWebhook',
};

/** Functions whose first invocation needs a service that has no local twin in the bench. */
const NOT_INVOKED: Readonly<Record<string, string>> = {
  'directory-sync': 'calls Cognito',
  'usage-plan-sync': 'calls API Gateway',
  'approval-starter': 'starts a Step Functions execution',
  'export-worker': 'an export leg (S3, minutes)',
};

type Expect = { kind: 'status'; status: number } | { kind: 'batch' } | { kind: 'allow' } | { kind: 'any' };

interface Invocation {
  /** What the first invocation is, for the report. */
  label: string;
  /** A new event per sample (stream and queue records need fresh ids, or the second sample is a duplicate). */
  event: () => unknown;
  expect: Expect;
}

export interface ColdStartRow {
  name: string;
  invocation: string;
  requireP50Ms: number;
  firstInvocationP50Ms: number;
  coldStartP50Ms: number;
  coldStartP90Ms: number;
  /** Median cold start against the baseline's (require + first GetItem). */
  ratio: number;
  /** Samples whose invocation did not answer as expected (0 when all did). */
  failures: number;
  firstFailure?: string;
}

export interface ColdStartResult {
  runs: number;
  baseline: { requireP50Ms: number; firstInvocationP50Ms: number; coldStartP50Ms: number };
  functions: ColdStartRow[];
  notInvoked: Array<{ name: string; reason: string }>;
  limitRatio: number;
}

const LIMIT_RATIO = 1.5;

/** The child: reads the event from stdin, then times require + the first invocation. */
const CHILD = `
const event = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
const expect = JSON.parse(process.env.BENCH_EXPECT);
const context = {
  callbackWaitsForEmptyEventLoop: false, functionName: 'bench', functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:bench', memoryLimitInMB: '1024',
  awsRequestId: require('node:crypto').randomUUID(), logGroupName: '/aws/lambda/bench', logStreamName: 'bench',
  getRemainingTimeInMillis: () => 30000, done() {}, fail() {}, succeed() {},
};
const out = (o) => { process.stdout.write(JSON.stringify(o)); process.exit(0); };
const t0 = process.hrtime.bigint();
const mod = require(process.env.BENCH_BUNDLE);
const t1 = process.hrtime.bigint();
Promise.resolve().then(() => mod.handler(event, context)).then((res) => {
  const t2 = process.hrtime.bigint();
  let ok = true;
  if (expect.kind === 'status') ok = res && res.statusCode === expect.status;
  else if (expect.kind === 'batch') ok = !res || !res.batchItemFailures || res.batchItemFailures.length === 0;
  else if (expect.kind === 'allow') ok = res && res.policyDocument.Statement[0].Effect === 'Allow';
  out({ requireMs: Number(t1 - t0) / 1e6, invokeMs: Number(t2 - t1) / 1e6, ok, detail: ok ? undefined : JSON.stringify(res).slice(0, 300) });
}, (error) => {
  const t2 = process.hrtime.bigint();
  out({ requireMs: Number(t1 - t0) / 1e6, invokeMs: Number(t2 - t1) / 1e6, ok: false, detail: String(error && error.stack || error).slice(0, 300) });
});
`;

interface Sample {
  requireMs: number;
  invokeMs: number;
  ok: boolean;
  detail?: string;
}

function coldStart(file: string, invocation: Invocation): Sample {
  const run = spawnSync(process.execPath, ['-e', CHILD], {
    encoding: 'utf8',
    input: JSON.stringify(invocation.event()),
    env: { ...process.env, BENCH_BUNDLE: file, BENCH_EXPECT: JSON.stringify(invocation.expect), POWERTOOLS_LOG_LEVEL: 'ERROR' },
    timeout: 60_000,
  });
  if (run.status !== 0) return { requireMs: NaN, invokeMs: NaN, ok: false, detail: `exit ${run.status}: ${run.stderr.slice(0, 300)}` };
  return JSON.parse(run.stdout) as Sample;
}

/** The first invocation of each function: an event it would receive, on fixtures made here. */
async function invocations(names: readonly string[]): Promise<Map<string, Invocation>> {
  const { Fixtures, SCENARIOS, routeOf } = await import('./route-scenarios');
  const { adminEvent, partnerEvent } = await import('../tests/support/lambda-events');
  const { documentClient, tableName } = await import('../functions/shared/db');
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
  const { marshall } = await import('@aws-sdk/util-dynamodb');
  const { orderKeys } = await import('../functions/shared/keys');
  const { newId } = await import('../functions/shared/ids');
  const fx = await Fixtures.create();
  const found = new Map<string, Invocation>();

  for (const name of names) {
    if (name === 'baseline') {
      found.set(name, { label: 'GetItem', event: () => ({ id: `BENCH#${newId()}` }), expect: { kind: 'any' } });
    } else if ((MODULES as readonly string[]).includes(name)) {
      const operationId = HTTP_ROUTES[name as ModuleName];
      const route = routeOf(operationId);
      const { status, staffId, ...options } = await SCENARIOS[operationId]!(fx);
      const event =
        route.api === 'admin' ? adminEvent(route, { staffId: staffId ?? fx.admin, ...options }) : partnerEvent(route, { partnerId: fx.partner, ...options });
      found.set(name, { label: `${route.method} /${route.api}/v1${route.path}`, event: () => event, expect: { kind: 'status', status } });
    }
  }

  // A partner order as it is stored, for the stream consumers' one-record event (an INSERT).
  const orderId = (
    await fx.ok(
      'partnerCreateOrder',
      { body: { customerId: await fx.partnerCustomer(), lines: [{ productId: await fx.productWithStock(), quantity: 1 }] }, headers: { 'Idempotency-Key': newId() } },
      201,
    )
  ).id as string;
  const { Item: order } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: orderKeys.byId(orderId), ConsistentRead: true }));
  const streamEvent = () => ({
    Records: [
      {
        eventID: randomUUID(),
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: process.env.AWS_REGION,
        eventSourceARN: `arn:aws:dynamodb:${process.env.AWS_REGION}:000000000000:table/${tableName()}/stream/bench`,
        dynamodb: {
          ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
          Keys: marshall(orderKeys.byId(orderId)),
          NewImage: marshall(order!, { removeUndefinedValues: true }),
          SequenceNumber: String(Date.now()),
          SizeBytes: 1000,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      },
    ],
  });
  for (const name of ['audit-consumer', 'metrics-consumer', 'partner-events-consumer']) {
    if (names.includes(name)) found.set(name, { label: 'one stream record (a partner order inserted)', event: streamEvent, expect: { kind: 'batch' } });
  }

  if (names.includes('partner-authorizer')) {
    const partner = await fx.ok('createPartner', { body: { name: 'Cold start partner', scopes: ['orders:read'] } }, 201);
    const key = (await fx.ok('issuePartnerKey', { params: { id: partner.id }, body: {} }, 201)).key as string;
    found.set('partner-authorizer', {
      label: 'a partner key (two GetItems)',
      event: () => ({
        type: 'REQUEST',
        methodArn: 'arn:aws:execute-api:eu-west-1:000000000000:api/live/GET/orders',
        resource: '/orders',
        path: '/orders',
        httpMethod: 'GET',
        headers: { 'x-api-key': key },
        requestContext: { requestId: randomUUID(), stage: 'live' },
      }),
      expect: { kind: 'allow' },
    });
  }
  if (names.includes('approvals-workflow')) {
    const product = await fx.product(10_000);
    const held = await fx.ok('updateProduct', { params: { id: product }, body: { price: { amount: 20_000, currency: 'EUR' } } }, 202);
    found.set('approvals-workflow', { label: '`next` of a pending approval (one GetItem)', event: () => ({ action: 'next', approvalId: held.approval.id }), expect: { kind: 'any' } });
  }
  if (names.includes('webhook-delivery-worker')) {
    found.set('webhook-delivery-worker', {
      label: 'a queue message whose delivery is gone (one GetItem, no POST)',
      event: () => ({
        Records: [
          {
            messageId: randomUUID(),
            receiptHandle: randomUUID(),
            body: JSON.stringify({ endpointId: newId(), eventSortKey: `${new Date().toISOString()}#msg_bench` }),
            attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'bench', ApproximateFirstReceiveTimestamp: String(Date.now()) },
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:webhook-deliveries',
            awsRegion: 'eu-west-1',
          },
        ],
      }),
      expect: { kind: 'batch' },
    });
  }
  return found;
}

/**
 * Measures the cold start of each bundle (`{ name, file }`: bench/bundles.ts outputs, named as in
 * run.ts: `baseline`, the modules, EXTRA_FUNCTIONS), `runs` samples each, interleaved. Needs the
 * bench environment running (and is best run before the process holds much else).
 */
export async function measureColdStart(bundles: ReadonlyArray<{ name: string; file: string }>, runs = 15): Promise<ColdStartResult> {
  if (!process.env.AWS_ENDPOINT_URL_DYNAMODB) throw new Error('measureColdStart needs the bench environment (bench/bench-env.ts)');
  if (!bundles.some((b) => b.name === 'baseline')) throw new Error('measureColdStart needs the baseline bundle');
  // Deployed, the docs function ships the OpenAPI documents beside its bundle (lib/constructs/modules.ts).
  for (const b of bundles.filter((x) => x.name === 'docs')) {
    for (const file of Object.values(OPENAPI_FILES)) if (!existsSync(join(dirname(b.file), file))) copyFileSync(join(__dirname, '..', 'docs', file), join(dirname(b.file), file));
  }
  const events = await invocations(bundles.map((b) => b.name));
  const measured = bundles.filter((b) => events.has(b.name));
  const samples = new Map<string, Sample[]>(measured.map((b) => [b.name, []]));
  for (const b of measured) coldStart(b.file, events.get(b.name)!); // warms the file cache, as the init-time runs do
  for (let i = 0; i < runs; i++) for (const b of measured) samples.get(b.name)!.push(coldStart(b.file, events.get(b.name)!));

  const stats = (name: string) => {
    const s = samples.get(name)!;
    const good = s.filter((x) => x.ok);
    const pick = good.length > 0 ? good : s;
    const total = pick.map((x) => x.requireMs + x.invokeMs);
    return {
      requireP50Ms: median(pick.map((x) => x.requireMs)),
      firstInvocationP50Ms: median(pick.map((x) => x.invokeMs)),
      coldStartP50Ms: median(total),
      coldStartP90Ms: percentile(total, 90),
      failures: s.length - good.length,
      firstFailure: s.find((x) => !x.ok)?.detail,
    };
  };
  const base = stats('baseline');
  return {
    runs,
    baseline: { requireP50Ms: round(base.requireP50Ms), firstInvocationP50Ms: round(base.firstInvocationP50Ms), coldStartP50Ms: round(base.coldStartP50Ms) },
    functions: measured
      .filter((b) => b.name !== 'baseline')
      .map((b) => {
        const s = stats(b.name);
        return {
          name: b.name,
          invocation: events.get(b.name)!.label,
          requireP50Ms: round(s.requireP50Ms),
          firstInvocationP50Ms: round(s.firstInvocationP50Ms),
          coldStartP50Ms: round(s.coldStartP50Ms),
          coldStartP90Ms: round(s.coldStartP90Ms),
          ratio: round(s.coldStartP50Ms / base.coldStartP50Ms),
          failures: s.failures,
          ...(s.firstFailure ? { firstFailure: s.firstFailure } : {}),
        };
      }),
    notInvoked: bundles.filter((b) => !events.has(b.name)).map((b) => ({ name: b.name, reason: NOT_INVOKED[b.name] ?? 'no event known for it' })),
    limitRatio: LIMIT_RATIO,
  };
}

export function coldStartReportLines(r: ColdStartResult): string[] {
  return [
    '## Cold start: init plus the first invocation',
    '',
    `What a new container costs before its first answer: a fresh Node process \`require\`s the minified bundle and invokes its handler once with a realistic event against DynamoDB Local (${r.runs} interleaved runs per function, medians). Route schemas are built on first use, so init alone undercounts; the first invocation also opens the connection and makes the function's first requests (an admin GET: the authorization read and the route's read). HTTP modules: a GET of one of their routes, as API Gateway sends it, on fixtures of bench/route-scenarios.ts; stream consumers: one stream record, a partner order inserted. Ratio = cold start against the baseline's (bench/baseline-handler.ts: the document client only, its first invocation one GetItem): require ${r.baseline.requireP50Ms} ms + first GetItem ${r.baseline.firstInvocationP50Ms} ms = ${r.baseline.coldStartP50Ms} ms.`,
    '',
    `| function | first invocation | require p50 | first invocation p50 | cold start p50 | cold start p90 | ratio | ≤ ${r.limitRatio} |`,
    '|---|---|---:|---:|---:|---:|---:|:---:|',
    ...r.functions.map(
      (f) =>
        `| ${f.name} | ${f.invocation}${f.failures ? ` (**${f.failures} failed**: ${f.firstFailure?.replace(/\|/g, '\\|').replace(/\n/g, ' ')})` : ''} | ${f.requireP50Ms} ms | ${f.firstInvocationP50Ms} ms | ${f.coldStartP50Ms} ms | ${f.coldStartP90Ms} ms | ${f.ratio} | ${f.ratio <= r.limitRatio && f.failures === 0 ? 'yes' : '**no**'} |`,
    ),
    '',
    ...(r.notInvoked.length > 0 ? [`Not invoked (their first call needs a service the bench has no twin of; their init alone is in the bundles table): ${r.notInvoked.map((n) => `${n.name} (${n.reason})`).join(', ')}.`, ''] : []),
  ];
}

export function coldStartTargetRows(r: ColdStartResult): string[] {
  const worst = r.functions.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  const within = r.functions.filter((f) => f.ratio <= r.limitRatio && f.failures === 0);
  const over = r.functions.filter((f) => !within.includes(f));
  return [
    `| cold start (init + first invocation) ratio ≤ ${r.limitRatio} per function (median, vs SDK-only handler's init + first GetItem) | worst: ${worst.name} ${worst.ratio}; ${within.length} of ${r.functions.length} within${over.length ? `; over: ${over.map((f) => `${f.name} ${f.ratio}${f.failures ? ' (failed)' : ''}`).join(', ')}` : ''} | ${over.length === 0 ? 'yes' : '**no**'} |`,
  ];
}
