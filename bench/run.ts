import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SINGLE_TABLE } from '../lib/schema/tables';
import { ensureTable, LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient, startDynamoDbLocal } from '../local/dynamodb';
import { installModuleHooks } from '../local/module-hooks';
import { freePort } from '../local/ports';
import { MODULES } from '../functions/shared/http/route';
import { bundle, type BundleResult } from './bundles';
import { median, percentile, round } from './stats';

/**
 * `npm run bench`: everything side by side in one run, reported as ratios against a baseline
 * measured in the same run, so the numbers hold on a noisy 2-core machine.
 */
const HERE = __dirname;
const WORK = join(HERE, '.work');
const INIT_RUNS = Number(process.env.BENCH_INIT_RUNS ?? 25);
const LATENCY_ROUNDS = Number(process.env.BENCH_LATENCY_ROUNDS ?? 400);
const BUNDLE_LIMIT = 400 * 1024;

function initTimeMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const run = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, TABLE_NAME: 'bench', AWS_REGION: 'eu-west-1', POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
  if (run.status !== 0) throw new Error(`Loading ${file} failed: ${run.stderr}`);
  return Number(run.stdout);
}

async function measureBundlesAndInit() {
  const entries: [string, string][] = [
    ['baseline', join(HERE, 'baseline-handler.ts')],
    ...MODULES.map((m): [string, string] => [m, join(HERE, '..', 'functions', m, 'handler.ts')]),
    ['partner-authorizer', join(HERE, '..', 'functions', 'iam', 'partner-authorizer.ts')],
  ];
  const bundles: BundleResult[] = [];
  for (const [name, entry] of entries) bundles.push(await bundle(name, entry, join(WORK, 'bundles')));
  const samples = new Map<string, number[]>(bundles.map((b) => [b.name, []]));
  // Interleave runs so drift in machine load hits every bundle alike.
  for (let i = 0; i < INIT_RUNS; i++) for (const b of bundles) samples.get(b.name)!.push(initTimeMs(b.file));
  const baseline = median(samples.get('baseline')!);
  return bundles.map((b) => {
    const s = samples.get(b.name)!;
    return {
      name: b.name,
      bytes: b.bytes,
      withinLimit: b.bytes <= BUNDLE_LIMIT,
      topPackages: Object.entries(b.byPackage).sort((x, y) => y[1] - x[1]).slice(0, 5).map(([pkg, bytes]) => ({ pkg, share: round(bytes / b.bytes, 3) })),
      initMedianMs: round(median(s)),
      initP90Ms: round(percentile(s, 90)),
      initRatio: round(median(s) / baseline),
    };
  });
}

async function measureLatency() {
  installModuleHooks(); // handlers import ESM-only middy; see local/module-hooks.ts
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  try {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      TABLE_NAME: 'Backoffice-bench',
      CURSOR_SIGNING_KEY: randomBytes(32).toString('hex'),
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    const admin = localDynamoClient(dynamo.endpoint);
    await ensureTable(admin, SINGLE_TABLE, 'Backoffice-bench');
    admin.destroy();
    // Imported after the environment is set, as a Lambda container would.
    const { handler } = await import('../functions/catalog/handler');
    const { catalogRoutes } = await import('../functions/catalog/routes');
    const { documentClient, tableName } = await import('../functions/shared/db');
    const { GetCommand, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { productKeys } = await import('../functions/shared/keys');
    const { adminEvent, lambdaContext, routeById } = await import('../tests/support/lambda-events');
    const { createStaff } = await import('../tests/support/staff');

    const staffId = await createStaff(['admin']);
    const created = await handler(
      adminEvent(routeById(catalogRoutes, 'createProduct'), { staffId, body: { sku: 'BENCH-1', name: 'Bench', price: { amount: 1, currency: 'EUR' } } }),
      lambdaContext(),
    );
    const id = JSON.parse(created.body).id as string;
    const getEvent = () => adminEvent(routeById(catalogRoutes, 'getProduct'), { staffId, params: { id } });
    const patchEvent = (n: number) => adminEvent(routeById(catalogRoutes, 'updateProduct'), { staffId, params: { id }, body: { name: `n${n}` } });

    const pairs = {
      get: {
        handler: async () => handler(getEvent(), lambdaContext()),
        raw: async () => documentClient.send(new GetCommand({ TableName: tableName(), Key: productKeys.byId(id), ConsistentRead: true })),
      },
      command: {
        handler: async (n: number) => handler(patchEvent(n), lambdaContext()),
        raw: async (n: number) =>
          documentClient.send(
            new UpdateCommand({
              TableName: tableName(),
              Key: productKeys.byId(id),
              UpdateExpression: 'SET #n = :n, version = version + :one',
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletedAt)',
              ExpressionAttributeNames: { '#n': 'name' },
              ExpressionAttributeValues: { ':n': `r${n}`, ':one': 1 },
              ReturnValues: 'ALL_NEW',
            }),
          ),
      },
    };
    const results: Record<string, unknown> = {};
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
        handlerP50Ms: round(median(h)),
        handlerP99Ms: round(percentile(h, 99)),
        rawP50Ms: round(median(r)),
        rawP99Ms: round(percentile(r, 99)),
        p50Ratio: round(median(h) / median(r)),
        p99Ratio: round(percentile(h, 99) / percentile(r, 99)),
      };
    }
    documentClient.destroy();
    return results;
  } finally {
    await dynamo.stop();
  }
}

function report(results: { bundles: Awaited<ReturnType<typeof measureBundlesAndInit>>; latency: Record<string, any> }) { // eslint-disable-line @typescript-eslint/no-explicit-any
  const kb = (bytes: number) => `${round(bytes / 1024, 1)} KB`;
  const lines = [
    '# Benchmark report',
    '',
    `Run ${new Date().toISOString()} on ${process.platform}/${process.arch}, Node ${process.versions.node}. Ratios compare against a baseline measured in the same run.`,
    '',
    '## Bundles and module init time',
    '',
    `Init = a fresh Node process \`require\`-ing the minified bundle (${INIT_RUNS} interleaved runs). Baseline: a handler that only imports the DynamoDB document client. Targets: bundle ≤ 400 KB, init ratio ≤ 1.5.`,
    '',
    '| function | bundle | ≤ 400 KB | init p50 | init p90 | init ratio | largest parts |',
    '|---|---:|:---:|---:|---:|---:|---|',
    ...results.bundles.map(
      (b) =>
        `| ${b.name} | ${kb(b.bytes)} | ${b.withinLimit ? 'yes' : '**no**'} | ${b.initMedianMs} ms | ${b.initP90Ms} ms | ${b.initRatio} | ${b.topPackages.map((p) => `${p.pkg} ${Math.round(p.share * 100)}%`).join(', ')} |`,
    ),
    '',
    '## Handler latency against DynamoDB Local',
    '',
    `${LATENCY_ROUNDS} interleaved rounds, in process, staff cache warm. The raw call is the single SDK request the route makes. Target: GET ratio ≤ 1.3.`,
    '',
    '| operation | handler p50 | handler p99 | raw SDK p50 | raw SDK p99 | p50 ratio | p99 ratio |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...Object.entries(results.latency).map(
      ([name, r]) => `| ${name === 'get' ? 'GET /products/{id}' : 'PATCH /products/{id}'} | ${r.handlerP50Ms} ms | ${r.handlerP99Ms} ms | ${r.rawP50Ms} ms | ${r.rawP99Ms} ms | ${r.p50Ratio} | ${r.p99Ratio} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

async function main() {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  console.log('Bundling and measuring init time…');
  const bundles = await measureBundlesAndInit();
  console.log('Measuring handler latency against DynamoDB Local…');
  const latency = await measureLatency();
  const results = { generatedAt: new Date().toISOString(), node: process.versions.node, bundles, latency };
  writeFileSync(join(HERE, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  writeFileSync(join(HERE, 'report.md'), report(results));
  console.log(report(results));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
