import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BackofficeStack } from '../../lib/backoffice-stack';
import { consoleBuildStub, logicalIdOf } from './synth-stack';

/**
 * The ticket SLA is deployment configuration (`backoffice:ticketSlaHours` → `ticketSlaHours`): it
 * reaches the support function as TICKET_SLA_HOURS, and a malformed value fails the synth.
 * Bundling is skipped: only the wiring matters here.
 */
function stack(ticketSlaHours: string) {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  return new BackofficeStack(app, 'Backoffice', {
    env: { account: '123456789012', region: 'eu-west-1' },
    ticketSlaHours,
    consoleAssetDir: consoleBuildStub(),
  });
}

test('the support function, and only it, gets the SLA hours', () => {
  const backoffice = stack('urgent=2,low=48');
  const functions = Template.fromStack(backoffice).findResources('AWS::Lambda::Function') as Record<string, { Properties: { Environment?: { Variables?: Record<string, unknown> } } }>;
  const holders = Object.entries(functions).filter(([, f]) => f.Properties.Environment?.Variables?.TICKET_SLA_HOURS !== undefined);
  expect(holders.map(([id]) => id)).toEqual([logicalIdOf(backoffice.modules.functions.support)]);
  expect(holders[0]![1].Properties.Environment!.Variables!.TICKET_SLA_HOURS).toBe('urgent=2,low=48');
});

test('a malformed SLA fails the synth', () => {
  expect(() => stack('critical=1')).toThrow(/TICKET_SLA_HOURS/);
});
