import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BackofficeStack } from '../lib/backoffice-stack';
import type { ModuleLogLevel } from '../lib/constructs/module-function';

/**
 * CDK app. Settings come from cdk.json context (override with `-c key=value`):
 * - backoffice:allowedOrigins      admin frontend origins (CORS), array or comma-separated string
 * - backoffice:oauthCallbackUrls   OAuth redirect URIs of the frontends
 * - backoffice:oauthLogoutUrls     OAuth sign-out URIs
 * - backoffice:authDomainPrefix    Cognito hosted sign-in domain prefix (optional)
 * - backoffice:logRetentionDays    retention of every log group (a CloudWatch Logs value: 1, 3, 5, 7, 14, 30, …)
 * - backoffice:logLevel            DEBUG | INFO | WARN | ERROR
 * - backoffice:partnerWebAclArn    WAFv2 web ACL for the partner API (optional)
 * - backoffice:consoleWebAclArn    WAFv2 web ACL (CLOUDFRONT scope) for the admin console's distribution (optional)
 * - backoffice:stackName           CloudFormation stack name
 * - backoffice:alarmEmails         e-mail addresses subscribed to the alarm topic (array or comma-separated)
 * - backoffice:tableName, backoffice:tableStreamArn, backoffice:auditTableName
 *                                  serve existing (restored) tables instead of the stack's own (docs/runbook-restore.md)
 * - backoffice:auditRetentionDays  days audit entries are kept (default 2557, 7 years; legal holds never expire)
 * - backoffice:ticketSlaHours      hours to resolve a ticket per priority, e.g. "urgent=2,low=48" (defaults 4/8/24/72)
 * The admin console is deployed from console/dist, which must be built first.
 * cdk-nag's AwsSolutions pack runs as a policy-validation plugin: `cdk synth` fails on any finding
 * that is not acknowledged (with its reason) in the constructs.
 */
const app = new App();

function stringList(key: string): string[] | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  if (typeof value === 'string') return value.split(',').map((item) => item.trim()).filter(Boolean);
  throw new Error(`Context ${key} must be a list of strings`);
}

function optionalString(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`Context ${key} must be a string`);
  return value;
}

function retention(key: string): RetentionDays | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined) return undefined;
  const days = Number(value);
  const allowed = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(days)) throw new Error(`Context ${key} must be one of ${allowed.join(', ')}`);
  return days as RetentionDays;
}

function positiveNumber(key: string): number | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new Error(`Context ${key} must be a positive whole number`);
  return number;
}

function logLevel(key: string): ModuleLogLevel | undefined {
  const value = optionalString(key);
  if (value === undefined) return undefined;
  if (value === 'DEBUG' || value === 'INFO' || value === 'WARN' || value === 'ERROR') return value;
  throw new Error(`Context ${key} must be DEBUG, INFO, WARN or ERROR`);
}

const allowedOrigins = stringList('backoffice:allowedOrigins');
const oauthCallbackUrls = stringList('backoffice:oauthCallbackUrls');
const oauthLogoutUrls = stringList('backoffice:oauthLogoutUrls');
const authDomainPrefix = optionalString('backoffice:authDomainPrefix');
const logRetention = retention('backoffice:logRetentionDays');
const level = logLevel('backoffice:logLevel');
const partnerWebAclArn = optionalString('backoffice:partnerWebAclArn');
const consoleWebAclArn = optionalString('backoffice:consoleWebAclArn');
const alarmEmails = stringList('backoffice:alarmEmails');
const existingTableName = optionalString('backoffice:tableName');
const existingTableStreamArn = optionalString('backoffice:tableStreamArn');
const existingAuditTableName = optionalString('backoffice:auditTableName');
const existingTables = {
  ...(existingTableName ? { table: { tableName: existingTableName, ...(existingTableStreamArn ? { tableStreamArn: existingTableStreamArn } : {}) } } : {}),
  ...(existingAuditTableName ? { auditTable: { tableName: existingAuditTableName } } : {}),
};
const auditRetentionDays = positiveNumber('backoffice:auditRetentionDays');
const ticketSlaHours = optionalString('backoffice:ticketSlaHours');

// The stack deploys the built console; without it there would be nothing to serve.
const consoleAssetDir = path.join(__dirname, '..', 'console', 'dist');
if (!fs.existsSync(path.join(consoleAssetDir, 'index.html'))) {
  throw new Error('Build the console first: npm run console:build (console/dist/index.html is missing)');
}

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

new BackofficeStack(app, optionalString('backoffice:stackName') ?? 'Backoffice', {
  description: 'Backoffice: serverless management back end (admin API, partner API, single table)',
  ...(account && region ? { env: { account, region } } : {}),
  ...(allowedOrigins ? { allowedOrigins } : {}),
  ...(oauthCallbackUrls ? { oauthCallbackUrls } : {}),
  ...(oauthLogoutUrls ? { oauthLogoutUrls } : {}),
  ...(authDomainPrefix ? { authDomainPrefix } : {}),
  ...(logRetention === undefined ? {} : { logRetention }),
  ...(level ? { logLevel: level } : {}),
  ...(partnerWebAclArn ? { partnerWebAclArn } : {}),
  ...(consoleWebAclArn ? { consoleWebAclArn } : {}),
  ...(alarmEmails ? { alarmEmails } : {}),
  ...(Object.keys(existingTables).length > 0 ? { existingTables } : {}),
  ...(auditRetentionDays === undefined ? {} : { auditRetentionDays }),
  ...(ticketSlaHours === undefined ? {} : { ticketSlaHours }),
  consoleAssetDir,
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
