import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { routes } from '../functions/routes';
import { AUDIT_TABLE, SINGLE_TABLE } from '../functions/shared/schema/tables';
import { AdminApi } from './constructs/admin-api';
import { AdminConsole } from './constructs/admin-console';
import { DailyMetrics } from './constructs/analytics';
import { ApprovalWorkflow } from './constructs/approvals';
import { AuditLog } from './constructs/audit';
import { DataBackup } from './constructs/backup';
import { DataTables, type DataTablesProps } from './constructs/data-table';
import { DataExports } from './constructs/exports';
import { StaffIdentity } from './constructs/identity';
import type { ModuleLogLevel } from './constructs/module-function';
import { Monitoring } from './constructs/monitoring';
import { BackofficeModules } from './constructs/modules';
import { IdentitySync } from './constructs/identity-sync';
import { PartnerApi, type PartnerTier } from './constructs/partner-api';
import { PartnerEvents } from './constructs/partner-events';
import { slaHours } from '../functions/support/lifecycle';

/** Deployment settings of the Backoffice stack (read from cdk.json context by bin/backoffice.ts). */
export interface BackofficeStackProps extends StackProps {
  /**
   * Browser origins of the admin frontends (CORS).
   * @default - none
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Retention of every log group (functions and API access logs).
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Powertools log level of the functions.
   * @default 'INFO'
   */
  readonly logLevel?: ModuleLogLevel;
  /**
   * OAuth redirect URIs of the admin frontends.
   * @default - see StaffIdentity
   */
  readonly oauthCallbackUrls?: readonly string[];
  /**
   * OAuth sign-out URIs of the admin frontends.
   * @default - see StaffIdentity
   */
  readonly oauthLogoutUrls?: readonly string[];
  /**
   * Prefix of the Cognito hosted sign-in domain.
   * @default - no hosted domain
   */
  readonly authDomainPrefix?: string;
  /**
   * Partner tiers (usage plans).
   * @default DEFAULT_PARTNER_TIERS
   */
  readonly partnerTiers?: Readonly<Record<string, PartnerTier>>;
  /**
   * WAFv2 web ACL for the partner API stage.
   * @default - none
   */
  readonly partnerWebAclArn?: string;
  /**
   * E-mail addresses subscribed to the alarm topic.
   * @default - none (subscribe to the AlarmTopicArn output)
   */
  readonly alarmEmails?: readonly string[];
  /**
   * Serve existing tables (restored from a backup) instead of the stack's own: see docs/runbook-restore.md.
   * @default - the stack's tables
   */
  readonly existingTables?: DataTablesProps['existingTables'];
  /**
   * Days audit entries are kept (entries written under a legal hold never expire).
   * @default 2557 (7 years)
   */
  readonly auditRetentionDays?: number;
  /**
   * Hours to resolve a support ticket per priority, as `urgent=2,low=48` (any subset; the rest keep
   * their defaults). Checked at synth, passed to the support function as `TICKET_SLA_HOURS`.
   * @default urgent 4, high 8, normal 24, low 72
   */
  readonly ticketSlaHours?: string;
  /**
   * The built admin console (Vite's output: index.html and assets/), deployed to the console bucket.
   * bin/backoffice.ts passes console/dist and stops when it has not been built.
   * @default - console/dist of the repository (see AdminConsole)
   */
  readonly consoleAssetDir?: string;
  /**
   * WAFv2 web ACL (scope CLOUDFRONT, in us-east-1) for the console's distribution.
   * @default - none
   */
  readonly consoleWebAclArn?: string;
}

/** The Backoffice back end (docs/architecture.md#architecture-1): composes the constructs; holds no resource definitions itself. */
export class BackofficeStack extends Stack {
  public readonly data: DataTables;
  public readonly identity: StaffIdentity;
  public readonly modules: BackofficeModules;
  public readonly adminApi: AdminApi;
  public readonly adminConsole: AdminConsole;
  public readonly partnerApi: PartnerApi;
  public readonly identitySync: IdentitySync;
  public readonly monitoring: Monitoring;
  public readonly backup: DataBackup;
  public readonly audit: AuditLog;
  public readonly approvals: ApprovalWorkflow;
  public readonly metrics: DailyMetrics;
  public readonly partnerEvents: PartnerEvents;
  public readonly exports: DataExports;

  constructor(scope: Construct, id: string, props: BackofficeStackProps = {}) {
    super(scope, id, props);
    const logRetention = props.logRetention === undefined ? {} : { logRetention: props.logRetention };
    const accessLogRetention = props.logRetention === undefined ? {} : { accessLogRetention: props.logRetention };

    this.data = new DataTables(this, 'Data', props.existingTables ? { existingTables: props.existingTables } : {});

    this.identity = new StaffIdentity(this, 'Identity', {
      ...(props.oauthCallbackUrls ? { callbackUrls: props.oauthCallbackUrls } : {}),
      ...(props.oauthLogoutUrls ? { logoutUrls: props.oauthLogoutUrls } : {}),
      ...(props.authDomainPrefix ? { domainPrefix: props.authDomainPrefix } : {}),
    });

    this.modules = new BackofficeModules(this, 'Modules', {
      table: this.data.table,
      tableIndexNames: this.data.tableIndexNames,
      allowedOrigins: props.allowedOrigins ?? [],
      ...logRetention,
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
    });
    if (props.ticketSlaHours !== undefined) {
      slaHours(props.ticketSlaHours); // a malformed value fails the synth, not the first ticket
      this.modules.functions.support.addEnvironment('TICKET_SLA_HOURS', props.ticketSlaHours);
    }

    this.audit = new AuditLog(this, 'Audit', {
      table: this.data.table,
      auditTable: this.data.auditTable,
      auditIndexNames: this.data.auditIndexNames,
      readerFunction: this.modules.functions.audit,
      ...(props.auditRetentionDays === undefined ? {} : { retention: Duration.days(props.auditRetentionDays) }),
      ...logRetention,
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
    });

    // Daily metrics (docs/architecture.md#analytics-and-exports): a second stream consumer; the analytics module reads its items.
    this.metrics = new DailyMetrics(this, 'Metrics', {
      table: this.data.table,
      ...logRetention,
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
    });

    // Partner events (docs/modules/webhooks.md): a stream consumer writes feeds and deliveries, a queue-fed worker posts the webhooks.
    this.partnerEvents = new PartnerEvents(this, 'PartnerEvents', {
      table: this.data.table,
      ...logRetention,
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
    });
    // The webhooks module replays deliveries: it queues them too.
    this.partnerEvents.grantQueueSend(this.modules.functions.webhooks);

    // Commands that need an approval write it (202); its workflow starts from the stream (docs/architecture.md#approvals).
    this.approvals = new ApprovalWorkflow(this, 'Approvals', {
      table: this.data.table,
      deciderFunction: this.modules.functions.approvals,
      ...logRetention,
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
    });

    // Export jobs for analysts (docs/architecture.md#analytics-and-exports): bucket, stream-started worker, daily schedule, Glue tables.
    this.exports = new DataExports(this, 'Exports', {
      table: this.data.table,
      auditTable: this.data.auditTable,
      apiFunction: this.modules.functions.exports,
      ...logRetention,
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
    });

    this.adminApi = new AdminApi(this, 'AdminApi', {
      routes,
      functions: this.modules.functions,
      jwtIssuer: this.identity.issuerUrl,
      jwtAudience: [this.identity.userPoolClient.userPoolClientId],
      allowedOrigins: props.allowedOrigins ?? [],
      ...accessLogRetention,
    });

    // The console and the admin API on one CloudFront origin (docs/decisions.md#the-console-and-its-api-share-one-cloudfront-origin):
    // the distribution needs the API, the app client needs the distribution's domain, config.json needs the client.
    this.adminConsole = new AdminConsole(this, 'AdminConsole', {
      adminApi: this.adminApi.httpApi,
      issuerUrl: this.identity.issuerUrl,
      clientId: this.identity.userPoolClient.userPoolClientId,
      ...(this.identity.domain ? { signInDomainUrl: this.identity.domain.baseUrl() } : {}),
      ...(props.consoleAssetDir ? { assetDir: props.consoleAssetDir } : {}),
      ...(props.consoleWebAclArn ? { webAclArn: props.consoleWebAclArn } : {}),
      ...(props.logRetention === undefined ? {} : { deploymentLogRetention: props.logRetention }),
    });
    this.identity.addFrontendUrls({ callbackUrl: this.adminConsole.callbackUrl, logoutUrl: this.adminConsole.logoutUrl });

    this.partnerApi = new PartnerApi(this, 'PartnerApi', {
      routes,
      functions: this.modules.functions,
      authorizerFunction: this.modules.partnerAuthorizer,
      ...(props.partnerTiers ? { tiers: props.partnerTiers } : {}),
      ...(props.partnerWebAclArn ? { webAclArn: props.partnerWebAclArn } : {}),
      ...accessLogRetention,
    });

    this.identitySync = new IdentitySync(this, 'IdentitySync', {
      table: this.data.table,
      userPool: this.identity.userPool,
      partnerApi: this.partnerApi.restApi,
      tierUsagePlans: this.partnerApi.usagePlans,
      ...logRetention,
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      httpApis: { admin: this.adminApi.httpApi },
      restApiStages: { partner: this.partnerApi.restApi.deploymentStage },
      functions: { ...this.modules.functions, 'partner-authorizer': this.modules.partnerAuthorizer },
      tables: {
        [SINGLE_TABLE.name]: { table: this.data.table, globalIndexNames: this.data.tableIndexNames },
        [AUDIT_TABLE.name]: { table: this.data.auditTable, globalIndexNames: this.data.auditIndexNames },
      },
      ...(props.alarmEmails ? { alarmEmails: props.alarmEmails } : {}),
    });
    this.monitoring.addStreamConsumer('audit-consumer', {
      function: this.audit.consumerFunction,
      deadLetterQueue: this.audit.deadLetterQueue,
    });
    this.monitoring.addStreamConsumer('directory-sync', {
      function: this.identitySync.directorySync,
      deadLetterQueue: this.identitySync.consumers[0]!.deadLetterQueue,
    });
    this.monitoring.addStreamConsumer('usage-plan-sync', {
      function: this.identitySync.usagePlanSync,
      deadLetterQueue: this.identitySync.consumers[1]!.deadLetterQueue,
    });
    this.monitoring.addStreamConsumer('approval-starter', {
      function: this.approvals.starterFunction,
      deadLetterQueue: this.approvals.starter.deadLetterQueue,
    });
    this.monitoring.addStreamConsumer('export-worker', {
      function: this.exports.workerFunction,
      deadLetterQueue: this.exports.deadLetterQueue,
    });
    this.monitoring.addDeadLetterQueue('export-schedule', this.exports.scheduleDeadLetterQueue);
    this.monitoring.addStreamConsumer('metrics-consumer', {
      function: this.metrics.consumerFunction,
      deadLetterQueue: this.metrics.deadLetterQueue,
    });
    this.monitoring.addStreamConsumer('partner-events-consumer', {
      function: this.partnerEvents.consumerFunction,
      deadLetterQueue: this.partnerEvents.deadLetterQueue,
    });
    // The delivery worker is fed by its queue, not the stream: function alarms, and the depth of the queue's dead-letter queue.
    this.monitoring.addFunction('webhook-delivery-worker', this.partnerEvents.deliveryWorker);
    this.monitoring.addDeadLetterQueue('webhook-delivery', this.partnerEvents.deliveryDeadLetterQueue);
    this.monitoring.addFunction('approvals-workflow', this.approvals.workflowFunction, 'workflow');
    this.monitoring.addStateMachine('approvals', this.approvals.stateMachine);

    this.backup = new DataBackup(this, 'Backup', {
      tables: { [SINGLE_TABLE.name]: this.data.table, [AUDIT_TABLE.name]: this.data.auditTable },
      auditTable: this.data.auditTable,
      ...(props.auditRetentionDays === undefined ? {} : { archiveRetention: Duration.days(props.auditRetentionDays) }),
      notificationTopic: this.monitoring.alarmTopic,
    });

    new CfnOutput(this, 'AdminApiUrl', { value: this.adminApi.url, description: 'Admin API base URL (JWT)' });
    new CfnOutput(this, 'ConsoleUrl', { value: this.adminConsole.url, description: 'Admin console (its API is <url>/admin/v1)' });
    new CfnOutput(this, 'PartnerApiUrl', { value: this.partnerApi.url, description: 'Partner API base URL (x-api-key)' });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId, description: 'Staff user pool id' });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.identity.userPoolClient.userPoolClientId,
      description: 'App client id of the admin frontends (code + PKCE)',
    });
    new CfnOutput(this, 'JwtIssuer', { value: this.identity.issuerUrl, description: 'Issuer of staff tokens' });
    if (this.identity.domain) {
      new CfnOutput(this, 'HostedSignInUrl', { value: this.identity.domain.baseUrl(), description: 'Cognito hosted sign-in' });
    }
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName, description: 'Single table' });
    new CfnOutput(this, 'AuditTableName', { value: this.data.auditTable.tableName, description: 'Audit log table' });
    new CfnOutput(this, 'AuditDeadLetterQueueUrl', {
      value: this.audit.deadLetterQueue.queueUrl,
      description: 'Stream batches the audit consumer could not record (shard and sequence range)',
    });
    new CfnOutput(this, 'MetricsDeadLetterQueueUrl', {
      value: this.metrics.deadLetterQueue.queueUrl,
      description: 'Stream batches the daily metrics consumer could not count (shard and sequence range)',
    });
    new CfnOutput(this, 'WebhookDeadLetterQueueUrl', {
      value: this.partnerEvents.deliveryDeadLetterQueue.queueUrl,
      description: 'Webhook delivery messages the worker kept failing on (each names an endpoint and an event; the delivery item holds its state)',
    });
    new CfnOutput(this, 'ApprovalsStateMachineArn', { value: this.approvals.stateMachine.stateMachineArn, description: 'Approval workflow (Standard)' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.alarmTopic.topicArn, description: 'Every alarm notifies this topic' });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName, description: 'CloudWatch operations dashboard' });
    new CfnOutput(this, 'BackupVaultName', { value: this.backup.vault.backupVaultName, description: 'Daily recovery points (35 days)' });
    new CfnOutput(this, 'AuditArchiveVaultName', { value: this.backup.archiveVault.backupVaultName, description: 'Audit table archive copies' });
    new CfnOutput(this, 'BackupRoleArn', { value: this.backup.backupRole.roleArn, description: 'Role for AWS Backup restore jobs' });
    for (const [tier, plan] of Object.entries(this.partnerApi.usagePlans)) {
      new CfnOutput(this, `PartnerUsagePlan${tier.charAt(0).toUpperCase()}${tier.slice(1)}Id`, {
        value: plan.usagePlanId,
        description: `Usage plan of partner tier ${tier}`,
      });
    }
  }
}
