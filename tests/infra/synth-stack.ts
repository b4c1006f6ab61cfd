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
}

/**
 * Synthesizes the real stack once (call it from `beforeAll`), with the cdk.json feature flags, so
 * the tests see what `cdk synth` produces, esbuild bundling included. Asset metadata is on, so
 * tests can open the bundles in the assembly directory.
 */
export function synthBackoffice(): SynthesizedBackoffice {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const app = new App({
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'backoffice-infra-')),
    context: { ...cdkJson.context, 'aws:cdk:enable-asset-metadata': true },
  });
  const stack = new BackofficeStack(app, 'Backoffice', {
    env: { account: '123456789012', region: 'eu-west-1' },
    allowedOrigins: TEST_ORIGINS,
    logRetention: TEST_LOG_RETENTION,
  });
  const template = Template.fromStack(stack);
  return { app, stack, template };
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

/** Removes the assembly directory (bundles included) written by {@link synthBackoffice}. */
export function disposeBackoffice(synth: SynthesizedBackoffice | undefined): void {
  if (synth) fs.rmSync(synth.app.outdir, { recursive: true, force: true });
}
