import { AUDIT_ARCHIVE_RETENTION } from '../../lib/constructs/backup';
import { logicalIdOf, resourcesOf, disposeBackoffice, synthBackoffice, type SynthesizedBackoffice } from './synth-stack';

let synth: SynthesizedBackoffice;
beforeAll(() => {
  synth = synthBackoffice();
});
afterAll(() => disposeBackoffice(synth));

interface PlanRule {
  RuleName: string;
  ScheduleExpression: string;
  TargetBackupVault: unknown;
  Lifecycle: { DeleteAfterDays: number; MoveToColdStorageAfterDays?: number };
  CopyActions?: Array<{ DestinationBackupVaultArn: unknown; Lifecycle: { DeleteAfterDays: number; MoveToColdStorageAfterDays?: number } }>;
  StartWindowMinutes: number;
  CompletionWindowMinutes: number;
}

const tableArn = (which: 'table' | 'auditTable') => ({ 'Fn::GetAtt': [logicalIdOf(synth.stack.data[which]), 'Arn'] });
const vaultName = (which: 'vault' | 'archiveVault') => ({ 'Fn::GetAtt': [logicalIdOf(synth.stack.backup[which]), 'BackupVaultName'] });

function planRules(plan: 'dailyPlan' | 'auditArchivePlan'): PlanRule[] {
  const resource = resourcesOf(synth.template, 'AWS::Backup::BackupPlan')[logicalIdOf(synth.stack.backup[plan])];
  return (resource?.Properties.BackupPlan as { BackupPlanRule: PlanRule[] }).BackupPlanRule;
}

function selectionOf(plan: 'dailyPlan' | 'auditArchivePlan'): { Resources: unknown[]; IamRoleArn: unknown; SelectionName: string } {
  const planId = logicalIdOf(synth.stack.backup[plan]);
  const selections = Object.values(resourcesOf(synth.template, 'AWS::Backup::BackupSelection')).filter(
    (s) => JSON.stringify(s.Properties.BackupPlanId) === JSON.stringify({ 'Fn::GetAtt': [planId, 'BackupPlanId'] }),
  );
  expect(selections).toHaveLength(1);
  return selections[0]!.Properties.BackupSelection as { Resources: unknown[]; IamRoleArn: unknown; SelectionName: string };
}

describe('point-in-time recovery and deletion protection (the first line of defence)', () => {
  test.each([['table' as const], ['auditTable' as const]])('%s: PITR on, deletion protection on, retained with the stack', (which) => {
    const table = resourcesOf(synth.template, 'AWS::DynamoDB::Table')[logicalIdOf(synth.stack.data[which])];
    expect(table?.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table?.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table?.DeletionPolicy).toBe('Retain');
  });
});

describe('daily plan', () => {
  test('one rule: every day at 03:00 UTC into the daily vault, kept 35 days', () => {
    expect(planRules('dailyPlan')).toEqual([
      {
        RuleName: 'Daily',
        ScheduleExpression: 'cron(0 3 * * ? *)',
        TargetBackupVault: vaultName('vault'),
        Lifecycle: { DeleteAfterDays: 35 },
        StartWindowMinutes: 60,
        CompletionWindowMinutes: 480,
      },
    ]);
  });

  test('selects both tables, backed up with the backup role', () => {
    const selection = selectionOf('dailyPlan');
    expect(selection.Resources).toHaveLength(2);
    expect(selection.Resources).toEqual(expect.arrayContaining([tableArn('table'), tableArn('auditTable')]));
    expect(selection.IamRoleArn).toEqual({ 'Fn::GetAtt': [logicalIdOf(synth.stack.backup.backupRole), 'Arn'] });
  });
});

describe('audit archive plan', () => {
  test('monthly snapshot of the audit table, copied to the archive vault and kept 7 years (cold after 90 days)', () => {
    expect(AUDIT_ARCHIVE_RETENTION.toDays()).toBe(2557);
    expect(planRules('auditArchivePlan')).toEqual([
      {
        RuleName: 'MonthlyAuditArchive',
        ScheduleExpression: 'cron(0 4 1 * ? *)',
        TargetBackupVault: vaultName('vault'),
        Lifecycle: { DeleteAfterDays: 35 },
        CopyActions: [
          {
            DestinationBackupVaultArn: { 'Fn::GetAtt': [logicalIdOf(synth.stack.backup.archiveVault), 'BackupVaultArn'] },
            Lifecycle: { DeleteAfterDays: 2557, MoveToColdStorageAfterDays: 90 },
          },
        ],
        StartWindowMinutes: 60,
        CompletionWindowMinutes: 480,
      },
    ]);
  });

  test('selects the audit table only', () => {
    expect(selectionOf('auditArchivePlan').Resources).toEqual([tableArn('auditTable')]);
  });
});

describe('vaults', () => {
  const vault = (which: 'vault' | 'archiveVault') => resourcesOf(synth.template, 'AWS::Backup::BackupVault')[logicalIdOf(synth.stack.backup[which])];

  test.each([['vault' as const], ['archiveVault' as const]])('%s: encrypted with the rotated vault key, retained, reports failed jobs to the alarm topic', (which) => {
    const keyId = logicalIdOf(synth.stack.backup.vaultKey);
    expect(vault(which)?.Properties.EncryptionKeyArn).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(resourcesOf(synth.template, 'AWS::KMS::Key')[keyId]?.Properties.EnableKeyRotation).toBe(true);
    expect(vault(which)?.DeletionPolicy).toBe('Retain');
    expect(vault(which)?.Properties.Notifications).toEqual({
      SNSTopicArn: { Ref: logicalIdOf(synth.stack.monitoring.alarmTopic) },
      BackupVaultEvents: expect.arrayContaining(['BACKUP_JOB_FAILED', 'COPY_JOB_FAILED', 'RESTORE_JOB_FAILED']),
    });
  });

  test('the archive vault is locked for the archive retention and refuses deleting or shortening recovery points', () => {
    const archive = vault('archiveVault');
    expect(archive?.Properties.LockConfiguration).toEqual({ MinRetentionDays: 2557 });
    const statements = (archive?.Properties.AccessPolicy as { Statement: Array<Record<string, unknown>> }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'] }),
    );
  });

  test('AWS Backup may publish job notifications to the alarm topic', () => {
    const policy = JSON.stringify(resourcesOf(synth.template, 'AWS::SNS::TopicPolicy'));
    expect(policy).toContain('backup.amazonaws.com');
  });
});

test('the backup role can only be assumed by AWS Backup and is an output for restore jobs', () => {
  const role = resourcesOf(synth.template, 'AWS::IAM::Role')[logicalIdOf(synth.stack.backup.backupRole)];
  expect(role?.Properties.AssumeRolePolicyDocument).toMatchObject({
    Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' } }],
  });
  expect(JSON.stringify(role?.Properties.ManagedPolicyArns)).toContain('AWSBackupServiceRolePolicyForRestores');
  const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
  expect(outputs.BackupRoleArn?.Value).toEqual({ 'Fn::GetAtt': [logicalIdOf(synth.stack.backup.backupRole), 'Arn'] });
  expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['BackupVaultName', 'AuditArchiveVaultName']));
});
