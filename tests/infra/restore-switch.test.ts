import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BackofficeStack, type BackofficeStackProps } from '../../lib/backoffice-stack';
import { consoleBuildStub } from './synth-stack';

/**
 * The switch step of docs/runbook-restore.md: with `existingTables` the stack serves a restored
 * table instead of its own. The stack's table leaves the template (CloudFormation keeps it: RETAIN)
 * and everything that named it — functions, the stream consumers' event source, alarms, the backup
 * selection, the outputs — names the restored one. Bundling is skipped: only the wiring matters here.
 */
const RESTORED = 'Backoffice-restored-202611210930';
const STREAM_ARN = `arn:aws:dynamodb:eu-west-1:123456789012:table/${RESTORED}/stream/2026-11-21T10:00:00.000`;
const RESTORED_ARN = `arn:aws:dynamodb:eu-west-1:123456789012:table/${RESTORED}`;

function synth(existingTables: NonNullable<BackofficeStackProps['existingTables']>) {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new BackofficeStack(app, 'Backoffice', {
    env: { account: '123456789012', region: 'eu-west-1' },
    existingTables,
    consoleAssetDir: consoleBuildStub(),
  });
  return { stack, template: Template.fromStack(stack) };
}

let template: Template;
beforeAll(() => {
  ({ template } = synth({ table: { tableName: RESTORED, tableStreamArn: STREAM_ARN } }));
});

test('the stack no longer holds its single table (CloudFormation keeps it, retained); the audit table stays', () => {
  const tables = Object.values(template.findResources('AWS::DynamoDB::Table'));
  expect(tables).toHaveLength(1);
  expect(JSON.stringify(tables[0])).toContain('byActor');
});

test('every function reaches the restored table by name', () => {
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Array<{ Properties: { Environment?: { Variables?: Record<string, unknown> } } }>;
  const names = functions.map((f) => f.Properties.Environment?.Variables?.TABLE_NAME).filter((name) => name !== undefined);
  expect(names.length).toBeGreaterThan(3);
  // The audit consumer's TABLE_NAME is the audit table; every other function works on the single table.
  expect(names.filter((name) => name === RESTORED).length).toBeGreaterThanOrEqual(names.length - 1);
});

test('the stream consumers read the restored table\u2019s stream', () => {
  // Stream mappings have a starting position; the webhook delivery worker's SQS mapping has none.
  const mappings = (Object.values(template.findResources('AWS::Lambda::EventSourceMapping')) as Array<{ Properties: { EventSourceArn: unknown; StartingPosition?: string } }>).filter(
    (mapping) => mapping.Properties.StartingPosition !== undefined,
  );
  expect(mappings.length).toBeGreaterThan(0);
  for (const mapping of mappings) expect(mapping.Properties.EventSourceArn).toBe(STREAM_ARN);
});

test('alarms, backups and outputs follow the restored table', () => {
  const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find(
    (a) => (a as { Properties: { AlarmName: string } }).Properties.AlarmName === 'Backoffice-table-Backoffice-throttles',
  );
  expect(JSON.stringify(alarm)).toContain(JSON.stringify({ Name: 'TableName', Value: RESTORED }));
  const selections = JSON.stringify(template.findResources('AWS::Backup::BackupSelection'));
  expect(selections).toContain(RESTORED_ARN);
  expect((template.toJSON().Outputs as Record<string, { Value: unknown }>).TableName?.Value).toBe(RESTORED);
});

test('an existing single table without its stream ARN is refused', () => {
  expect(() => synth({ table: { tableName: RESTORED } })).toThrow('needs its tableStreamArn');
});
