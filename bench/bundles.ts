import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';

/** esbuild options of lib/constructs/module-function.ts, so sizes and init times match what ships. */
export const SHIPPED_OPTIONS = {
  bundle: true,
  minify: true,
  platform: 'node' as const,
  target: 'node22',
  format: 'cjs' as const,
  mainFields: ['module', 'main'],
  sourcemap: true,
  sourcesContent: false,
  metafile: true,
  logLevel: 'silent' as const,
};

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
