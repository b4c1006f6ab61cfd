import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import {
  BackupPlan,
  BackupPlanRule,
  BackupResource,
  BackupVault,
  BackupVaultEvents,
} from 'aws-cdk-lib/aws-backup';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Seven years (leap days included): how long the audit table's archive copies are kept. */
export const AUDIT_ARCHIVE_RETENTION = Duration.days(7 * 365 + 2);

/** Properties of {@link DataBackup}. */
export interface DataBackupProps {
  /** Tables backed up daily (the single table and the audit table). */
  readonly tables: Readonly<Record<string, ITable>>;
  /** The audit table: additionally copied monthly to the archive vault and kept for `archiveRetention`. */
  readonly auditTable: ITable;
  /**
   * How long daily recovery points are kept.
   * @default Duration.days(35)
   */
  readonly dailyRetention?: Duration;
  /**
   * How long the audit table's archive copies are kept (the audit log's own retention).
   * @default AUDIT_ARCHIVE_RETENTION (7 years)
   */
  readonly archiveRetention?: Duration;
  /**
   * When archive copies move to cold storage (needs DynamoDB advanced backup, like the copy itself).
   * At least 90 days before `archiveRetention` ends.
   * @default Duration.days(90)
   */
  readonly archiveColdStorageAfter?: Duration;
  /**
   * Lock the archive vault in governance mode: no recovery point can be deleted or shortened before
   * `archiveRetention`, except by a principal allowed `backup:DeleteBackupVaultLockConfiguration`.
   * @default true
   */
  readonly lockArchiveVault?: boolean;
  /**
   * Topic told about failed backup, copy and restore jobs (the alarm topic).
   * @default - no notifications
   */
  readonly notificationTopic?: ITopic;
}

/**
 * Backups (issue 10, docs/architecture.md#data): point-in-time recovery stays on both tables (35 days, to the
 * second); on top of it an AWS Backup plan takes a daily snapshot of both tables kept 35 days, and
 * a second plan takes a monthly snapshot of the audit table and copies it to a separate, locked
 * archive vault where it is kept 7 years. Both vaults are encrypted with a customer managed key and
 * keep their recovery points when the stack is deleted; failed jobs are reported to the topic.
 *
 * Copies between vaults and cold storage of DynamoDB backups need "advanced DynamoDB backup"
 * enabled once per account (see docs/runbook-restore.md); without it the daily snapshots still work.
 * The audit log is append-only, so each monthly snapshot holds every entry written until then.
 */
export class DataBackup extends Construct {
  /** Vault of the daily recovery points. */
  public readonly vault: BackupVault;
  /** Vault of the audit table's long-term copies (governance lock). */
  public readonly archiveVault: BackupVault;
  /** Key encrypting both vaults. */
  public readonly vaultKey: Key;
  /** Daily plan: every table, kept `dailyRetention`. */
  public readonly dailyPlan: BackupPlan;
  /** Monthly plan of the audit table, copied to the archive vault. */
  public readonly auditArchivePlan: BackupPlan;
  /** Role AWS Backup assumes to back up and to restore (pass it to `start-restore-job`). */
  public readonly backupRole: Role;

  constructor(scope: Construct, id: string, props: DataBackupProps) {
    super(scope, id);
    const dailyRetention = props.dailyRetention ?? Duration.days(35);
    const archiveRetention = props.archiveRetention ?? AUDIT_ARCHIVE_RETENTION;
    const coldAfter = props.archiveColdStorageAfter ?? Duration.days(90);
    const stackName = Stack.of(this).stackName;
    const named = (suffix: string) => (Token.isUnresolved(stackName) ? {} : { backupVaultName: `${stackName}-${suffix}` });
    const notifications = props.notificationTopic
      ? {
          notificationTopic: props.notificationTopic,
          notificationEvents: [
            BackupVaultEvents.BACKUP_JOB_FAILED,
            BackupVaultEvents.COPY_JOB_FAILED,
            BackupVaultEvents.RESTORE_JOB_FAILED,
            BackupVaultEvents.RESTORE_JOB_COMPLETED,
          ],
        }
      : {};

    this.vaultKey = new Key(this, 'VaultKey', {
      description: 'Encrypts the Backoffice backup vaults',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vault = new BackupVault(this, 'Vault', {
      ...named('daily'),
      encryptionKey: this.vaultKey,
      removalPolicy: RemovalPolicy.RETAIN,
      ...notifications,
    });
    this.archiveVault = new BackupVault(this, 'ArchiveVault', {
      ...named('audit-archive'),
      encryptionKey: this.vaultKey,
      removalPolicy: RemovalPolicy.RETAIN,
      // Nobody deletes or shortens an archived audit recovery point (expiry by lifecycle still happens).
      blockRecoveryPointDeletion: true,
      ...((props.lockArchiveVault ?? true) ? { lockConfiguration: { minRetention: archiveRetention } } : {}),
      ...notifications,
    });

    this.backupRole = new Role(this, 'BackupRole', {
      assumedBy: new ServicePrincipal('backup.amazonaws.com'),
      description: 'AWS Backup: back up and restore the Backoffice tables',
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup'),
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores'),
      ],
    });
    Validations.of(this.backupRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        'AWS Backup documents this managed policy as the permissions of its service role: it tracks every action a DynamoDB ' +
        '(advanced) backup needs as AWS changes them, and the role can only be assumed by backup.amazonaws.com.',
    });
    Validations.of(this.backupRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
      reason:
        'AWS Backup documents this managed policy for restore jobs (creating the new table from a recovery point); the role ' +
        'can only be assumed by backup.amazonaws.com and is what the restore runbook passes to start-restore-job.',
    });

    this.dailyPlan = new BackupPlan(this, 'DailyPlan', {
      backupPlanName: `${Token.isUnresolved(stackName) ? 'backoffice' : stackName}-daily`,
      backupPlanRules: [
        new BackupPlanRule({
          ruleName: 'Daily',
          backupVault: this.vault,
          // 03:00 UTC, outside European and American business hours.
          scheduleExpression: Schedule.cron({ minute: '0', hour: '3' }),
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(8),
          deleteAfter: dailyRetention,
        }),
      ],
    });
    this.dailyPlan.addSelection('Tables', {
      backupSelectionName: 'tables',
      role: this.backupRole,
      resources: Object.values(props.tables).map((table) => BackupResource.fromDynamoDbTable(table)),
    });

    this.auditArchivePlan = new BackupPlan(this, 'AuditArchivePlan', {
      backupPlanName: `${Token.isUnresolved(stackName) ? 'backoffice' : stackName}-audit-archive`,
      backupPlanRules: [
        new BackupPlanRule({
          ruleName: 'MonthlyAuditArchive',
          backupVault: this.vault,
          // 04:00 UTC on the 1st, after the daily run.
          scheduleExpression: Schedule.cron({ minute: '0', hour: '4', day: '1' }),
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(8),
          deleteAfter: dailyRetention,
          copyActions: [{ destinationBackupVault: this.archiveVault, deleteAfter: archiveRetention, moveToColdStorageAfter: coldAfter }],
        }),
      ],
    });
    this.auditArchivePlan.addSelection('AuditTable', {
      backupSelectionName: 'audit-table',
      role: this.backupRole,
      resources: [BackupResource.fromDynamoDbTable(props.auditTable)],
    });
  }
}
