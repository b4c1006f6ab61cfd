import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { disposeBackoffice, synthBackoffice, type SynthesizedBackoffice } from './synth-stack';

/**
 * cdk-nag 3 runs as a CDK policy-validation plugin (bin/backoffice.ts registers it, so `cdk synth`
 * fails on findings) and reports violations instead of annotations; acknowledgments are
 * `Validations.of(construct).acknowledge({ id, reason })`. Here the pack runs directly on the tree.
 */
let synth: SynthesizedBackoffice;
beforeAll(() => {
  synth = synthBackoffice();
  // The pack inspects the construct tree as synthesis leaves it (aspects run, lazy values settled);
  // the shared template does not synthesize this tree, so synthesize it here (bundling is skipped).
  synth.app.synth();
});
afterAll(() => disposeBackoffice(synth));

interface Acknowledgment {
  path: string;
  id: string;
  reason: string;
}

function acknowledgments(): Acknowledgment[] {
  return synth.app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

test('AwsSolutions finds no unacknowledged error or warning', () => {
  const report = new AwsSolutionsChecks(synth.app, { verbose: true }).validateScope(synth.app);
  const findings = report.violations.map((v) => `${v.severity} ${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}: ${v.description}`);
  expect(findings).toEqual([]);
  expect(report.success).toBe(true);
});

test('the stack raises no CDK errors or warnings', () => {
  const annotations = Annotations.fromStack(synth.stack);
  expect(annotations.findError('*', Match.anyValue())).toEqual([]);
  expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
});

test('every acknowledgment is an AwsSolutions rule with a real justification', () => {
  const all = acknowledgments();
  expect(all.length).toBeGreaterThan(0);
  for (const { id, reason, path } of all) {
    expect({ path, id }).toEqual({ path, id: expect.stringMatching(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/) });
    // A justification says why the finding does not apply or what compensates: a sentence, not a placeholder.
    expect(reason.split(/\s+/).length).toBeGreaterThanOrEqual(15);
    expect(reason).not.toMatch(/\b(todo|tbd|fixme|n\/a|suppress(ed)?)\b/i);
  }
});

test('the acknowledged rules are exactly the reviewed ones', () => {
  const ids = [...new Set(acknowledgments().map((a) => a.id))].sort();
  expect(ids).toEqual(
    [
      'AwsSolutions-APIG3', // partner API: no WAF by default (webAclArn prop)
      // admin console distribution: no geo restriction (staff anywhere), no WAF by default (webAclArn prop), default certificate's TLS policy
      'AwsSolutions-CFR1',
      'AwsSolutions-CFR2',
      'AwsSolutions-CFR4',
      'AwsSolutions-COG4', // partner API: API keys, not Cognito
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      // CDK's BucketDeployment function (console files): basic execution role, its fixed S3 grants on the assets and console buckets
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-IAM5[Action::s3:Abort*]',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      'AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'AwsSolutions-IAM5[Action::s3:GetObject*]',
      'AwsSolutions-IAM5[Action::s3:List*]',
      'AwsSolutions-IAM5[Resource::<AdminConsoleBucketF548BF78.Arn>/*]',
      'AwsSolutions-IAM5[Resource::arn:aws:s3:::cdk-hnb659fds-assets-123456789012-eu-west-1/*]',
      // AWS Backup's documented service-role policies (backup and restore jobs of the tables)
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
      'AwsSolutions-IAM5[Resource::*]', // X-Ray actions have no resource-level permissions
      // approvals state machine: invoke the workflow function's versions and aliases (CDK's Lambda task grant)
      'AwsSolutions-IAM5[Resource::<ApprovalsWorkflowFunction726D2602.Arn>:*]',
      // exports: objects named by job id under the bucket's exports/, daily/ and checkpoints/ prefixes; the scheduler invokes the worker
      'AwsSolutions-IAM5[Resource::<ExportsBucket54D5CE64.Arn>/checkpoints/*]',
      'AwsSolutions-IAM5[Resource::<ExportsBucket54D5CE64.Arn>/daily/*]',
      'AwsSolutions-IAM5[Resource::<ExportsBucket54D5CE64.Arn>/exports/*]',
      'AwsSolutions-IAM5[Resource::<ExportsWorkerFunctionA17FB97C.Arn>:*]',
      // usage-plan sync: partner API keys and plans are created at run time
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/apikeys/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/usageplans/*]',
      'AwsSolutions-L1', // nodejs22.x pinned with the toolchain; CDK's BucketDeployment function: the runtime aws-cdk-lib ships
      'AwsSolutions-S1', // the exports and console access-log buckets do not log themselves
      'AwsSolutions-SMG4', // cursor key: redeploy to rotate
      'AwsSolutions-SQS3', // stream consumers' on-failure queues are themselves the DLQs
    ].sort(),
  );
});
