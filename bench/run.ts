import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODULES } from '../functions/shared/http/route';
import { startBenchEnvironment } from './bench-env';
import { bundle, EXTRA_FUNCTIONS, type BundleResult } from './bundles';
import { coldStartReportLines, coldStartTargetRows, measureColdStart } from './cold-start';
import { AUTHORIZER_ASSUMED_MS, AUTHORIZER_READ_UNITS, billedUnits, costPerMillion, PRICES, routeCostColumns, routeCostReportLines, routeCostTargetRows } from './cost';
import { exportsReportLines, exportsTargetRows } from './exports';
import { httpThroughputReportLines, httpThroughputTargetRows, measureHttpThroughput } from './http-throughput';
import { ROUTE_BUDGETS, withAuth } from './route-budgets';
import type { RouteMeasurement } from './route-measure';
import { median, percentile, round } from './stats';
import { barChart } from './svg';

/**
 * `npm run bench`: everything side by side in one run, reported as ratios against a baseline
 * measured in the same run, so the numbers hold on a noisy 2-core machine. Writes bench/report.md,
 * bench/results.json and bench/bundle-sizes.svg.
 */
const HERE = __dirname;
const ROOT = join(HERE, '..');
const WORK = join(HERE, '.work');
const INIT_RUNS = Number(process.env.BENCH_INIT_RUNS ?? 25);
const LATENCY_ROUNDS = Number(process.env.BENCH_LATENCY_ROUNDS ?? 400);
const ROUTE_ROUNDS = Number(process.env.BENCH_ROUTE_ROUNDS ?? 3);
/** Rounds of the stream consumers' synthetic batches (each: the audit consumer's ten batches of 50 at once). */
const STREAM_ROUNDS = Number(process.env.BENCH_STREAM_ROUNDS ?? 6);
/** Orders exported per format (issue 7 asks for 200,000; lower it for a quick run). */
const EXPORT_ROWS = Number(process.env.BENCH_EXPORT_ROWS ?? 200_000);
/** Orders of the burst on the local runtime (16 at a time). */
const BURST_ORDERS = Number(process.env.BENCH_BURST_ORDERS ?? 300);
/** The backlog after a burst is drained within this (issue 19). */
const DRAIN_GOAL_MS = 2_000;
/** The audit consumer keeps up with this many times the write rate the runtime sustains (issue 19). */
const CONSUMER_HEADROOM = 10;
/** Cold start samples per function (a fresh process each: about 0.3–0.6 s a sample). */
const COLD_START_RUNS = Number(process.env.BENCH_COLD_START_RUNS ?? 10);
/** Seconds of autocannon load per route (GET, order) on the local runtime. */
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const BUNDLE_LIMIT_KB = 400;
const BUNDLE_LIMIT = BUNDLE_LIMIT_KB * 1024;
const MODULE_MEMORY_MB = 1024; // lib/constructs/module-function.ts default; modules do not override it

function initTimeMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const run = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, TABLE_NAME: 'bench', AUDIT_TABLE_NAME: 'bench-audit', AWS_REGION: 'eu-west-1', POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
  if (run.status !== 0) throw new Error(`Loading ${file} failed: ${run.stderr}`);
  return Number(run.stdout);
}

const FUNCTIONS: ReadonlyArray<{ name: string; entry: string; memoryMb?: number }> = [
  { name: 'baseline', entry: 'bench/baseline-handler.ts' },
  ...MODULES.map((m) => ({ name: m, entry: `functions/${m}/handler.ts`, memoryMb: MODULE_MEMORY_MB })),
  ...EXTRA_FUNCTIONS,
];

async function measureBundlesAndInit() {
  const bundles: BundleResult[] = [];
  for (const f of FUNCTIONS) bundles.push(await bundle(f.name, join(ROOT, f.entry), join(WORK, 'bundles')));
  const samples = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
  // Interleave runs so drift in machine load hits every bundle alike.
  for (let i = 0; i < INIT_RUNS; i++) for (const b of bundles) samples.get(b.name)!.push(initTimeMs(b.file));
  const baseline = median(samples.get('baseline')!);
  return bundles.map((b, i) => {
    const s = samples.get(b.name)!;
    return {
      name: b.name,
      entry: FUNCTIONS[i]!.entry,
      bytes: b.bytes,
      withinLimit: b.bytes <= BUNDLE_LIMIT,
      packages: Object.entries(b.byPackage)
        .sort((x, y) => y[1] - x[1])
        .map(([pkg, bytes]) => ({ pkg, bytes, share: round(bytes / b.bytes, 3) })),
      initMedianMs: round(median(s)),
      initP90Ms: round(percentile(s, 90)),
      initRatio: round(median(s) / baseline),
    };
  });
}

async function measureLatency() {
  // Imported after the environment is set, as a Lambda container would.
  const { handler } = await import('../functions/catalog/handler');
  const { catalogRoutes } = await import('../functions/catalog/routes');
  const { documentClient, tableName } = await import('../functions/shared/db');
  const { GetCommand, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
  const { productKeys, staffKeys } = await import('../functions/shared/keys');
  const { adminEvent, lambdaContext, routeById } = await import('../tests/support/lambda-events');
  const { createStaff } = await import('../tests/support/staff');

  const staffId = await createStaff(['admin']);
  const created = await handler(
    adminEvent(routeById(catalogRoutes, 'createProduct'), { staffId, body: { sku: `BENCH-${Date.now()}`, name: 'Bench', price: { amount: 1, currency: 'EUR' } } }),
    lambdaContext(),
  );
  const id = JSON.parse(created.body).id as string;
  const getEvent = () => adminEvent(routeById(catalogRoutes, 'getProduct'), { staffId, params: { id } });
  const patchEvent = (n: number) => adminEvent(routeById(catalogRoutes, 'updateProduct'), { staffId, params: { id }, body: { name: `n${n}` } });
  // The authorization read every admin handler makes (functions/shared/auth/staff-access-repository.ts).
  const auth = () =>
    documentClient.send(
      new GetCommand({
        TableName: tableName(),
        Key: staffKeys.byId(staffId),
        ConsistentRead: true,
        ProjectionExpression: 'id, email, #name, #roles, #status',
        ExpressionAttributeNames: { '#name': 'name', '#roles': 'roles', '#status': 'status' },
      }),
    );

  const pairs = {
    get: {
      label: 'GET /products/{id}',
      handler: async () => handler(getEvent(), lambdaContext()),
      raw: async () => {
        await auth();
        return documentClient.send(new GetCommand({ TableName: tableName(), Key: productKeys.byId(id), ConsistentRead: true }));
      },
    },
    command: {
      label: 'PATCH /products/{id}',
      handler: async (n: number) => handler(patchEvent(n), lambdaContext()),
      raw: async (n: number) => {
        await auth();
        return documentClient.send(
          new UpdateCommand({
            TableName: tableName(),
            Key: productKeys.byId(id),
            UpdateExpression: 'SET #n = :n, version = version + :one',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletedAt)',
            ExpressionAttributeNames: { '#n': 'name' },
            ExpressionAttributeValues: { ':n': `r${n}`, ':one': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        );
      },
    },
  };
  const results: Record<string, { label: string; handlerP50Ms: number; handlerP99Ms: number; rawP50Ms: number; rawP99Ms: number; p50Ratio: number; p99Ratio: number }> = {};
  for (const [name, pair] of Object.entries(pairs)) {
    const h: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < 30; i++) {
      await pair.handler(i);
      await pair.raw(i);
    }
    for (let i = 0; i < LATENCY_ROUNDS; i++) {
      // Alternate which goes first so neither always profits from a warm connection.
      const order = i % 2 === 0 ? ([['h', pair.handler], ['r', pair.raw]] as const) : ([['r', pair.raw], ['h', pair.handler]] as const);
      for (const [which, fn] of order) {
        const t = process.hrtime.bigint();
        await fn(i);
        (which === 'h' ? h : r).push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }
    results[name] = {
      label: pair.label,
      handlerP50Ms: round(median(h)),
      handlerP99Ms: round(percentile(h, 99)),
      rawP50Ms: round(median(r)),
      rawP99Ms: round(percentile(r, 99)),
      p50Ratio: round(median(h) / median(r)),
      p99Ratio: round(percentile(h, 99) / percentile(r, 99)),
    };
  }
  return results;
}

function routeRows(measured: RouteMeasurement[]) {
  const authorizerMb = EXTRA_FUNCTIONS.find((f) => f.name === 'partner-authorizer')!.memoryMb;
  return measured.map((m) => {
    const budget = ROUTE_BUDGETS[m.operationId]!;
    const minimum = withAuth(m.api, budget.minimum);
    const requests = m.requests.map((r) => r.operation);
    const { rru, wru } = billedUnits(m);
    const cost = costPerMillion(m, MODULE_MEMORY_MB, authorizerMb);
    return {
      operationId: m.operationId,
      route: `${m.method} /${m.api}/v1${m.path}`,
      api: m.api,
      requests,
      minimum,
      atMinimum: requests.length === minimum.length,
      /** Requests beyond the authorization read: the "one request per command / single read" target. */
      beyondAuth: m.api === 'admin' ? requests.length - 1 : requests.length,
      reason: budget.reason,
      readUnits: round(rru, 2),
      writeUnits: round(wru, 2),
      durationMs: round(m.durationMs, 1),
      costPerMillionUsd: { apiGateway: round(cost.apiGateway, 3), lambda: round(cost.lambda, 3), dynamodb: round(cost.dynamodb, 3), total: round(cost.total, 3) },
      ...routeCostColumns(m, cost),
    };
  });
}

type Results = {
  generatedAt: string;
  node: string;
  platform: string;
  bundles: Awaited<ReturnType<typeof measureBundlesAndInit>>;
  routes: ReturnType<typeof routeRows>;
  latency: Awaited<ReturnType<typeof measureLatency>>;
  stream: Awaited<ReturnType<typeof import('./stream').measureStreamConsumers>>;
  exports: Awaited<ReturnType<typeof import('./exports').measureExports>>;
  /** When the exports were measured on their own (`--only exports`), after the rest of the run. */
  exportsMeasuredAt?: string;
  console: Awaited<ReturnType<typeof import('./console').measureConsole>>;
  burst: Awaited<ReturnType<typeof import('./burst').measureRuntimeBurst>>;
  coldStart: Awaited<ReturnType<typeof measureColdStart>>;
  http: Awaited<ReturnType<typeof measureHttpThroughput>>;
  prices: typeof PRICES;
};

/** The audit consumer's rate over the audited records the runtime's HTTP load writes per second. */
function auditHeadroom(r: Results): number {
  return r.http.auditedRecordsPerSecond ? round(r.stream.auditRecordsPerSecond / r.http.auditedRecordsPerSecond, 1) : 0;
}

const drained = (ms: number | null) => ms !== null && ms <= DRAIN_GOAL_MS;

function report(r: Results): string {
  const kb = (bytes: number) => `${round(bytes / 1024, 1)} KB`;
  const yes = (ok: boolean) => (ok ? 'yes' : '**no**');
  const fns = r.bundles.filter((b) => b.name !== 'baseline');
  const largest = fns.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const worstInit = fns.reduce((a, b) => (b.initRatio > a.initRatio ? b : a));
  const reads = r.routes.filter((x) => x.route.startsWith('GET '));
  const commands = r.routes.filter((x) => !x.route.startsWith('GET '));
  const overReads = reads.filter((x) => x.beyondAuth > 1);
  const overCommands = commands.filter((x) => x.beyondAuth > 1);
  const atMin = r.routes.filter((x) => x.atMinimum).length;
  const usd = (n: number) => `$${n.toFixed(2)}`;
  return [
    '# Benchmark report',
    '',
    `Run ${r.generatedAt} on ${r.platform}, Node ${r.node} (2 shared cores). Every ratio compares against a baseline measured in the same run; absolute times are this machine's and only indicative.`,
    ...(r.exportsMeasuredAt
      ? ['', `The exports (their targets and section) were measured again on ${r.exportsMeasuredAt} with \`npm run bench -- --only exports\`, their baselines in that run; every other figure is from the run above.`]
      : []),
    '',
    '## Targets',
    '',
    '| target | measured | met |',
    '|---|---|:---:|',
    `| every function bundle ≤ ${BUNDLE_LIMIT_KB} KB minified | largest: ${largest.name} ${kb(largest.bytes)}; ${fns.filter((b) => b.withinLimit).length} of ${fns.length} within | ${yes(fns.every((b) => b.withinLimit))} |`,
    `| module init ratio ≤ 1.5 (median, vs SDK-only handler) | worst: ${worstInit.name} ${worstInit.initRatio} | ${yes(fns.every((b) => b.initRatio <= 1.5))} |`,
    ...coldStartTargetRows(r.coldStart),
    `| GET latency ratio ≤ 1.3 (p50, vs the same raw SDK calls) | ${r.latency.get!.p50Ratio} (p99 ${r.latency.get!.p99Ratio}) | ${yes(r.latency.get!.p50Ratio <= 1.3)} |`,
    `| reads (GET): one DynamoDB request each beyond the authorization read | ${reads.length - overReads.length} of ${reads.length}${overReads.length ? `; two: ${overReads.map((x) => x.operationId).join(', ')}` : ''} | ${yes(overReads.length === 0)} |`,
    `| commands: one DynamoDB request each beyond the authorization read | ${commands.length - overCommands.length} of ${commands.length}; ${overCommands.length} read first what the write depends on: ${overCommands.map((x) => x.operationId).join(', ')} | ${yes(overCommands.length === 0)} |`,
    `| every route at its access pattern's minimum (bench/route-budgets.ts) | ${atMin} of ${r.routes.length}; above: ${r.routes.filter((x) => !x.atMinimum).map((x) => x.operationId).join(', ') || 'none'} | ${yes(atMin === r.routes.length)} |`,
    ...routeCostTargetRows(r.routes),
    ...httpThroughputTargetRows(r.http),
    `| admin console: initial JavaScript ≤ ${r.console.limitKb} KB gzipped, every screen loaded on demand | ${r.console.javascript.initialGzipKb} KB in ${r.console.javascript.initial.length} file(s); ${r.console.javascript.lazyChunks} chunks (${r.console.javascript.lazyGzipKb} KB) on demand | ${yes(r.console.withinLimit)} |`,
    `| audit consumer ≥ ${CONSUMER_HEADROOM}× the write rate the runtime sustains (audited records/s; beside it, the engine's raw batch-write rate) | ${r.stream.auditRecordsPerSecond} records/s vs ${r.http.auditedRecordsPerSecond ?? '?'} written/s by the runtime (${auditHeadroom(r)}×); engine ${r.stream.baselineRecordsPerSecond} records/s (consumer at ${r.stream.auditRatioToBaseline} of it) | ${yes(auditHeadroom(r) >= CONSUMER_HEADROOM)} |`,
    `| backlog drained within ${DRAIN_GOAL_MS / 1000} s of a ${r.burst.burstSeconds} s burst (${r.burst.orders} orders, 16 at a time) | audit ${r.burst.auditDrainMs ?? 'not drained'} ms, metrics ${r.burst.metricsDrainMs ?? 'not drained'} ms, webhook deliveries ${r.burst.drainAfterLastWriteMs} ms | ${yes(drained(r.burst.auditDrainMs) && drained(r.burst.metricsDrainMs))} |`,
    `| partner events: deliveries per second and write → delivery latency on the local runtime | ${r.burst.deliveriesPerSecond} events/s; p50 ${r.burst.latencyP50Ms} ms, p99 ${r.burst.latencyP99Ms} ms | reported |`,
    `| admin console: navigation → first list rendered (Chromium, local runtime), beside an empty page | ${r.console.firstList.firstListP50Ms} ms p50 (p90 ${r.console.firstList.firstListP90Ms} ms); empty page ${r.console.firstList.emptyPageP50Ms} ms; ratio ${r.console.firstList.ratio} | reported |`,
    ...exportsTargetRows(r.exports),
    '',
    '## Bundles and module init time',
    '',
    `Minified esbuild bundles with the options that ship (lib/constructs/bundling-options.ts). Init = a fresh Node process \`require\`-ing the bundle (${INIT_RUNS} interleaved runs); ratio = median against the baseline, a handler that only imports the DynamoDB document client. Shares from the esbuild metafile.`,
    '',
    '![Bundle size per function](bundle-sizes.svg)',
    '',
    `| function | entry | bundle | ≤ ${BUNDLE_LIMIT_KB} KB | init p50 | init p90 | init ratio | largest parts |`,
    '|---|---|---:|:---:|---:|---:|---:|---|',
    ...r.bundles.map(
      (b) =>
        `| ${b.name} | \`${b.entry}\` | ${kb(b.bytes)} | ${yes(b.withinLimit)} | ${b.initMedianMs} ms | ${b.initP90Ms} ms | ${b.initRatio} | ${b.packages
          .slice(0, 6)
          .map((p) => `${p.pkg} ${Math.round(p.share * 100)}%`)
          .join(', ')} |`,
    ),
    '',
    ...coldStartReportLines(r.coldStart),
    '## DynamoDB requests, capacity and cost per route',
    '',
    `Every route of the route table, called in process against DynamoDB Local on fixtures of its own (bench/route-scenarios.ts), warm container, median of ${ROUTE_ROUNDS} rounds. Requests and consumed capacity (\`ReturnConsumedCapacity: TOTAL\`, added by a bench-only middleware) of the call only; AUTH = the caller's staff record (GetItem, strongly consistent) every admin route reads first. Minimum and reason: bench/route-budgets.ts; tests/integration/route-request-counts.test.ts holds every route to its request list. RRU/WRU: billed units (at least 0.5 RRU per read request and 1 WRU per write request; DynamoDB Local reports 0 for empty results).`,
    '',
    `Cost per million calls (USD), **assumed list prices, ${PRICES.region}, as of ${PRICES.asOf}**: API Gateway HTTP API (admin) $${PRICES.httpApiPerMillion}/M, REST API (partner) $${PRICES.restApiPerMillion}/M; Lambda arm64 $${PRICES.lambdaArmGbSecond}/GB-s and $${PRICES.lambdaRequestPerMillion}/M requests at ${MODULE_MEMORY_MB} MB for the measured duration rounded up to 1 ms; DynamoDB on-demand $${PRICES.dynamoReadRequestUnitPerMillion}/M RRU and $${PRICES.dynamoWriteRequestUnitPerMillion}/M WRU. Partner routes add the key authorizer (no cache): one invocation of an assumed ${AUTHORIZER_ASSUMED_MS} ms and ${AUTHORIZER_READ_UNITS} RRU (key and partner). No free tier, data transfer, CloudWatch Logs or X-Ray. The duration is measured here against DynamoDB Local, not in Lambda: treat the Lambda column as an order of magnitude.`,
    '',
    '| route | operation | requests | minimum | RRU | WRU | duration | API GW | Lambda | DynamoDB | total / M |',
    '|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...r.routes.map(
      (x) =>
        `| \`${x.route}\` | ${x.operationId} | ${x.requests.join(' → ') || '–'} | ${x.atMinimum ? '= requests' : x.minimum.join(' → ')} | ${x.readUnits} | ${x.writeUnits} | ${x.durationMs} ms | ${usd(x.costPerMillionUsd.apiGateway)} | ${usd(x.costPerMillionUsd.lambda)} | ${usd(x.costPerMillionUsd.dynamodb)} | **${usd(x.costPerMillionUsd.total)}** |`,
    ),
    '',
    'Why each route needs what it does (one line per route, bench/route-budgets.ts):',
    '',
    ...r.routes.map((x) => `- **${x.operationId}**${x.atMinimum ? '' : ' (above its minimum)'}: ${x.reason}`),
    '',
    ...routeCostReportLines(r.routes),
    '## Handler latency against DynamoDB Local',
    '',
    `${LATENCY_ROUNDS} interleaved rounds, in process. The raw side makes the same SDK calls as the handler: the authorization read (staff record, strongly consistent, projected) then the route's own request.`,
    '',
    '| operation | handler p50 | handler p99 | raw SDK p50 | raw SDK p99 | p50 ratio | p99 ratio |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...Object.values(r.latency).map((l) => `| ${l.label} | ${l.handlerP50Ms} ms | ${l.handlerP99Ms} ms | ${l.rawP50Ms} ms | ${l.rawP99Ms} ms | ${l.p50Ratio} | ${l.p99Ratio} |`),
    '',
    ...httpThroughputReportLines(r.http),
    '## Stream consumers',
    '',
    `Synthetic stream batches in process against DynamoDB Local (bench/stream.ts), ${r.stream.rounds} interleaved rounds with the consumers' AWS settings: the audit consumer gets ${r.stream.lanes} batches of ${r.stream.auditBatchSize} at once (its parallelization factor; each batch a quarter creates and the rest updates of the same products, in order), the metrics consumer batches of ${r.stream.metricsBatchSize} payments one at a time. The engine's rate: the two items per record the audit consumer writes (entry and marker) put by BatchWriteItem from as many concurrent writers, no reads and no conditions. The write rate beside it is the runtime's own under HTTP load (autocannon, partner orders at concurrency 16, times the audited records an order writes).`,
    '',
    '| what | records/s |',
    '|---|---:|',
    `| audit consumer | ${r.stream.auditRecordsPerSecond} |`,
    `| engine: BatchWriteItem of the same items | ${r.stream.baselineRecordsPerSecond} |`,
    `| metrics consumer | ${r.stream.metricsRecordsPerSecond} |`,
    `| records the runtime writes under HTTP load (audited) | ${r.http.auditedRecordsPerSecond ?? '?'} |`,
    '',
    `A burst on the local runtime (\`npm start\` in a process of its own, bench/burst.ts): ${r.burst.orders} orders through the partner API, 16 at a time, with a receiver on 127.0.0.1 subscribed to \`order.created\`. Drain = from the last order's 201 until every order's audit chain exists, the daily metrics count every order, and every event reached the receiver. Latency = from an order's 201 to its event at the receiver (stream poller, partner events consumer, durable local queue, delivery worker, signing).`,
    '',
    '| what | measured |',
    '|---|---|',
    `| burst | ${r.burst.burstSeconds} s, ${r.burst.writesPerSecond} orders/s, ${r.burst.auditedRecordsPerSecond} audited records/s (${r.burst.auditedRecordsPerOrder} per order) |`,
    `| audit backlog drained after the last write | ${r.burst.auditDrainMs ?? 'not within 2 min'} ms |`,
    `| metrics backlog drained after the last write | ${r.burst.metricsDrainMs ?? 'not within 2 min'} ms |`,
    `| events delivered per second | ${r.burst.deliveriesPerSecond} (${r.burst.delivered} of ${r.burst.orders}) |`,
    `| write → delivery latency | p50 ${r.burst.latencyP50Ms} ms, p99 ${r.burst.latencyP99Ms} ms |`,
    `| webhook backlog drained after the last write | ${r.burst.drainAfterLastWriteMs} ms |`,
    '',
    '## Admin console',
    '',
    `The console's production build (console/dist, Vite). Initial JavaScript = the entry script and the chunks index.html preloads, gzipped (level 9); every resource's screens, the dashboard's charts and the French and Chinese messages are chunks loaded when first opened. First list = ${r.console.firstList.runs} cold navigations (a fresh browser profile each, already signed in as ops@) to \`/products\` until its first row is rendered, interleaved with navigations to an empty page served by a bare node:http server (the browser's floor); medians.`,
    '',
    '| initial file | size | gzipped |',
    '|---|---:|---:|',
    ...r.console.javascript.initial.map((c) => `| \`${c.file}\` | ${kb(c.bytes)} | ${kb(c.gzipBytes)} |`),
    '',
    `Largest on-demand chunks (gzipped): ${r.console.javascript.largestLazy.map((c) => `\`${c.file}\` ${kb(c.gzipBytes)}`).join(', ')}.`,
    '',
    '| navigation | p50 | p90 |',
    '|---|---:|---:|',
    `| \`/products\` → first row rendered | ${r.console.firstList.firstListP50Ms} ms | ${r.console.firstList.firstListP90Ms} ms |`,
    `| empty page | ${r.console.firstList.emptyPageP50Ms} ms | ${r.console.firstList.emptyPageP90Ms} ms |`,
    '',
    ...exportsReportLines(r.exports),
  ].join('\n');
}

/** Writes results.json, report.md and the bundle chart from the results. */
function writeOutputs(results: Results): void {
  writeFileSync(join(HERE, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(HERE, 'report.md'), report(results));
  writeFileSync(
    join(HERE, 'bundle-sizes.svg'),
    barChart({ title: 'Minified bundle size per function (KB)', unit: 'KB', limit: BUNDLE_LIMIT_KB, bars: results.bundles.map((b) => ({ label: b.name, value: b.bytes / 1024 })) }),
  );
  console.log(report(results));
}

/**
 * `npm run bench -- --only exports`: measures the exports again (they take a table of their own and
 * about 40 minutes) and rewrites the report with them, the rest kept from results.json.
 */
async function measureExportsOnly(): Promise<void> {
  const results = JSON.parse(readFileSync(join(HERE, 'results.json'), 'utf8')) as Results;
  const env = await startBenchEnvironment();
  try {
    console.log(`Measuring exports of ${EXPORT_ROWS} orders…`);
    results.exports = await (await import('./exports')).measureExports(EXPORT_ROWS, env.enginePid);
    results.exportsMeasuredAt = new Date().toISOString();
  } finally {
    await env.stop();
  }
  writeOutputs(results);
}

async function main() {
  if (process.argv.includes('--only')) {
    const only = process.argv[process.argv.indexOf('--only') + 1];
    if (only !== 'exports') throw new Error(`--only takes one section: exports (not ${only ?? 'nothing'})`);
    await measureExportsOnly();
    process.exit(0);
  }
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  console.log('Measuring the admin console (initial JavaScript, time to the first list)…');
  const consoleResult = await (await import('./console')).measureConsole();
  console.log('Bundling and measuring init time…');
  const bundles = await measureBundlesAndInit();
  const env = await startBenchEnvironment();
  const { startTestApprovals } = await import('../tests/support/local-approvals');
  const sfn = await startTestApprovals();
  let routes: ReturnType<typeof routeRows>;
  let latency: Awaited<ReturnType<typeof measureLatency>>;
  let stream: Results['stream'];
  let exportsResult: Results['exports'];
  let coldStart: Results['coldStart'];
  try {
    console.log('Measuring cold starts (init + first invocation)…');
    coldStart = await measureColdStart(
      FUNCTIONS.map((f) => ({ name: f.name, file: join(WORK, 'bundles', `${f.name}.js`) })),
      COLD_START_RUNS,
    );
    console.log('Measuring DynamoDB requests and capacity per route…');
    const { measureRoutes } = await import('./route-measure');
    routes = routeRows(await measureRoutes(ROUTE_ROUNDS, undefined, { streamRecords: true }));
    console.log('Measuring handler latency against DynamoDB Local…');
    latency = await measureLatency();
    console.log('Measuring the stream consumers…');
    const { measureStreamConsumers } = await import('./stream');
    stream = await measureStreamConsumers(STREAM_ROUNDS);
    console.log(`Measuring exports of ${EXPORT_ROWS} orders…`);
    const { measureExports } = await import('./exports');
    exportsResult = await measureExports(EXPORT_ROWS, env.enginePid);
    (await import('../functions/shared/db')).documentClient.destroy();
  } finally {
    await sfn.dispose();
    await env.stop();
  }
  console.log(`Measuring a burst of ${BURST_ORDERS} orders on the local runtime (consumers' backlog, webhook delivery)…`);
  const burst = await (await import('./burst')).measureRuntimeBurst(BURST_ORDERS);
  console.log(`Measuring HTTP throughput of the local runtime (${HTTP_SECONDS} s per route)…`);
  const http = await measureHttpThroughput({
    durationSeconds: HTTP_SECONDS,
    auditedRecordsPerOrder: routes.find((x) => x.operationId === 'partnerCreateOrder')?.consumers.audited,
  });
  const results: Results = {
    generatedAt: new Date().toISOString(),
    node: process.versions.node,
    platform: `${process.platform}/${process.arch}`,
    bundles,
    routes,
    latency,
    stream,
    exports: exportsResult,
    console: consoleResult,
    burst,
    coldStart,
    http,
    prices: PRICES,
  };
  writeOutputs(results);
  process.exit(0); // the local Step Functions runtime may keep timers alive
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
