import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { BackofficeStack } from '../../lib/backoffice-stack';

export const TEST_ORIGINS = ['https://admin.example.com', 'https://ops.example.com'];
export const TEST_LOG_RETENTION = RetentionDays.THREE_MONTHS;

export interface SynthesizedBackoffice {
  app: App;
  stack: BackofficeStack;
  template: Template;
  /** The cloud assembly the template was synthesized into: bundles are under its asset paths. */
  assemblyDir: string;
}

/** Set by tests/support/infra-global-setup.ts: the directory of the one synthesis a run shares. */
export const SHARED_SYNTH_ENV = 'BACKOFFICE_INFRA_SYNTH_DIR';
const TEMPLATE_FILE = 'Backoffice.template.json';

function sharedSynthDir(): string {
  const shared = process.env[SHARED_SYNTH_ENV];
  if (!shared) throw new Error(`${SHARED_SYNTH_ENV} is not set: run infra tests through their jest project (--selectProjects infra)`);
  return shared;
}

/**
 * A stand-in for the built console (the app is built on its own, into console/dist): index.html and
 * one hashed file, written once per run into the shared synthesis directory (removed by the global teardown).
 */
export function consoleBuildStub(sharedDir: string = sharedSynthDir()): string {
  const dir = path.join(sharedDir, 'console-dist');
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'assets', 'index-4f2a9c1e.js'), 'document.title = "Backoffice";\n');
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Backoffice</title><script type="module" src="/assets/index-4f2a9c1e.js"></script>\n');
  }
  return dir;
}

function newBackoffice(options: { outdir: string; bundling: boolean; consoleAssetDir: string }): { app: App; stack: BackofficeStack } {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const context = { ...cdkJson.context, 'aws:cdk:enable-asset-metadata': true, ...(options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] }) };
  const app = new App({ outdir: options.outdir, context });
  const stack = new BackofficeStack(app, 'Backoffice', {
    env: { account: '123456789012', region: 'eu-west-1' },
    allowedOrigins: TEST_ORIGINS,
    logRetention: TEST_LOG_RETENTION,
    consoleAssetDir: options.consoleAssetDir,
  });
  return { app, stack };
}

/**
 * Synthesizes the real stack with the cdk.json feature flags, esbuild bundling included, into `dir`
 * (the cloud assembly, asset metadata on) and writes its template beside it. Bundling the ~20
 * functions is most of an infra run, so the global setup does this once and every file shares it.
 */
export function synthesizeSharedBackoffice(dir: string): void {
  const { app, stack } = newBackoffice({ outdir: path.join(dir, 'assembly'), bundling: true, consoleAssetDir: consoleBuildStub(dir) });
  const template = app.synth().getStackByName(stack.stackName).template as unknown;
  fs.writeFileSync(path.join(dir, TEMPLATE_FILE), JSON.stringify(template));
}

/**
 * The stack as `cdk synth` produces it (call it from `beforeAll`). The template is the run's shared
 * synthesis; the construct tree, which tests need for logical ids and grants, is built again here
 * with bundling skipped (logical ids do not depend on it, and construction without it is quick).
 */
export function synthBackoffice(): SynthesizedBackoffice {
  const shared = sharedSynthDir();
  const { app, stack } = newBackoffice({
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'backoffice-infra-')),
    bundling: false,
    consoleAssetDir: consoleBuildStub(shared),
  });
  const template = Template.fromJSON(JSON.parse(fs.readFileSync(path.join(shared, TEMPLATE_FILE), 'utf8')) as Record<string, unknown>);
  return { app, stack, template, assemblyDir: path.join(shared, 'assembly') };
}

/** The template's logical id of a construct's CloudFormation resource. */
export function logicalIdOf(construct: IConstruct): string {
  const resource = construct.node.defaultChild as CfnElement | undefined;
  if (!resource) throw new Error(`${construct.node.path} has no default child`);
  return Stack.of(construct).getLogicalId(resource);
}

/** Template resources of one type, as logical id → properties. */
export function resourcesOf(template: Template, type: string): Record<string, { Properties: Record<string, unknown>; DeletionPolicy?: string; Metadata?: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, unknown>; DeletionPolicy?: string; Metadata?: Record<string, unknown> }>;
}

/** CDK's BucketDeployment function (it copies the console's files during deployments), as opposed to the stack's own functions. */
export function isCdkDeploymentFunction(logicalId: string): boolean {
  return logicalId.startsWith('CustomCDKBucketDeployment');
}

/** Removes the file's own assembly directory (the shared one is the global teardown's). */
export function disposeBackoffice(synth: SynthesizedBackoffice | undefined): void {
  if (synth) fs.rmSync(synth.app.outdir, { recursive: true, force: true });
}
