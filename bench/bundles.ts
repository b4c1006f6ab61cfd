import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { SHIPPED_BUNDLING } from '../lib/constructs/bundling-options';

/**
 * The esbuild options of lib/constructs/module-function.ts, read from the same constant
 * (lib/constructs/bundling-options.ts), so sizes and init times are those of what ships.
 */
export const SHIPPED_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  minify: SHIPPED_BUNDLING.minify,
  target: SHIPPED_BUNDLING.target,
  format: SHIPPED_BUNDLING.format,
  mainFields: [...SHIPPED_BUNDLING.mainFields],
  external: [...SHIPPED_BUNDLING.externalModules],
  sourcemap: SHIPPED_BUNDLING.sourceMap,
  sourcesContent: SHIPPED_BUNDLING.sourcesContent,
  metafile: true,
  logLevel: 'silent',
};

/** Every function the stack deploys beside the module functions (lib/constructs/*), by entry file. */
export const EXTRA_FUNCTIONS: ReadonlyArray<{ name: string; entry: string; memoryMb: number }> = [
  { name: 'partner-authorizer', entry: 'functions/iam/partner-authorizer.ts', memoryMb: 1024 },
  { name: 'audit-consumer', entry: 'functions/audit/consumer.ts', memoryMb: 512 },
  { name: 'directory-sync', entry: 'functions/iam/directory-sync.ts', memoryMb: 512 },
  { name: 'usage-plan-sync', entry: 'functions/iam/usage-plan-sync.ts', memoryMb: 512 },
  { name: 'approvals-workflow', entry: 'functions/approvals/workflow.ts', memoryMb: 1024 },
  { name: 'metrics-consumer', entry: 'functions/analytics/consumer.ts', memoryMb: 512 },
  { name: 'export-worker', entry: 'functions/exports/worker.ts', memoryMb: 1024 },
  { name: 'approval-starter', entry: 'functions/approvals/starter.ts', memoryMb: 256 },
  { name: 'partner-events-consumer', entry: 'functions/webhooks/consumer.ts', memoryMb: 512 },
  { name: 'webhook-delivery-worker', entry: 'functions/webhooks/delivery-worker.ts', memoryMb: 512 },
];

export interface BundleResult {
  name: string;
  file: string;
  bytes: number;
  /** Bytes of the output attributed to each top-level package (or `project`). */
  byPackage: Record<string, number>;
}

function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match ? match[1]! : 'project';
}

export async function bundle(name: string, entry: string, outDir: string): Promise<BundleResult> {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${name}.js`);
  const result = await build({ ...SHIPPED_OPTIONS, entryPoints: [entry], outfile: file });
  const byPackage: Record<string, number> = {};
  const output = Object.values((result.metafile as Metafile).outputs).find((o) => o.entryPoint);
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    byPackage[packageOf(input)] = (byPackage[packageOf(input)] ?? 0) + bytesInOutput;
  }
  return { name, file, bytes: statSync(file).size, byPackage };
}
