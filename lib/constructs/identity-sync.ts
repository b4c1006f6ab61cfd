import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { RestApi, UsagePlan } from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DIRECTORY_SYNC_CONSUMER, USAGE_PLAN_SYNC_CONSUMER } from '../../functions/shared/schema/stream-consumers';
import { ModuleFunction, type ModuleLogLevel } from './module-function';
import { StreamConsumer } from './stream-consumer';

/** Properties of {@link IdentitySync}. */
export interface IdentitySyncProps {
  /** The single table: the source of truth for staff and partners (its stream feeds both consumers). */
  readonly table: ITable;
  /** The staff user pool kept in step with staff records. */
  readonly userPool: IUserPool;
  /** The partner REST API whose usage plans meter partners. */
  readonly partnerApi: RestApi;
  /** The usage plan of each partner tier (functions/shared/schema/partner-tiers.ts). */
  readonly tierUsagePlans: Readonly<Record<string, UsagePlan>>;
  /**
   * Retention of the consumers' log groups.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Powertools log level of the consumers.
   * @default 'INFO'
   */
  readonly logLevel?: ModuleLogLevel;
}

/**
 * Applies staff and partner changes outward, from the table's stream (the table stays the source of
 * truth): staff → Cognito users; partners → API Gateway API keys in their usage plans. Both
 * consumers are idempotent, so the event source mapping's retries are safe.
 */
export class IdentitySync extends Construct {
  /** Staff → Cognito. */
  public readonly directorySync: ModuleFunction;
  /** Partners → API Gateway keys and usage plans. */
  public readonly usagePlanSync: ModuleFunction;
  /** The event source mappings, with their dead-letter queues. */
  public readonly consumers: readonly StreamConsumer[];

  constructor(scope: Construct, id: string, props: IdentitySyncProps) {
    super(scope, id);
    const common = {
      table: props.table,
      timeout: Duration.seconds(60),
      memorySize: 512,
      ...(props.logRetention === undefined ? {} : { logRetention: props.logRetention }),
      ...(props.logLevel === undefined ? {} : { logLevel: props.logLevel }),
    };

    this.directorySync = new ModuleFunction(this, 'DirectorySyncFunction', {
      ...common,
      moduleName: 'directory-sync',
      entry: 'functions/iam/directory-sync.ts',
      description: 'Backoffice: keeps Cognito users in step with staff records',
      tableAccess: 'getItem',
      environment: { USER_POOL_ID: props.userPool.userPoolId },
    });
    this.directorySync.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'cognito-idp:AdminCreateUser',
          'cognito-idp:AdminDisableUser',
          'cognito-idp:AdminEnableUser',
          'cognito-idp:AdminUpdateUserAttributes',
          'cognito-idp:AdminUserGlobalSignOut',
        ],
        resources: [props.userPool.userPoolArn],
      }),
    );

    const stage = props.partnerApi.deploymentStage;
    this.usagePlanSync = new ModuleFunction(this, 'UsagePlanSyncFunction', {
      ...common,
      moduleName: 'usage-plan-sync',
      entry: 'functions/iam/usage-plan-sync.ts',
      description: 'Backoffice: gives every partner an API Gateway key in its usage plan',
      tableAccess: 'getItem',
      environment: {
        PARTNER_REST_API_ID: props.partnerApi.restApiId,
        PARTNER_STAGE_NAME: stage.stageName,
        TIER_USAGE_PLAN_IDS: Stack.of(this).toJsonString(Object.fromEntries(Object.entries(props.tierUsagePlans).map(([tier, plan]) => [tier, plan.usagePlanId]))),
      },
    });
    // The binding (key id, plan id, usage identifier) is written back to the partner item.
    this.usagePlanSync.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [props.table.tableArn] }));
    // Pseudo parameters, not the stack's region: the same policy (and acknowledgement) in every environment.
    const apigw = (resourceName: string) => `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}::${resourceName}`;
    this.usagePlanSync.addToRolePolicy(
      new PolicyStatement({
        actions: ['apigateway:GET', 'apigateway:POST', 'apigateway:PATCH', 'apigateway:DELETE'],
        resources: [apigw('/apikeys'), apigw('/apikeys/*'), apigw('/usageplans'), apigw('/usageplans/*')],
      }),
    );

    for (const resource of ['/apikeys/*', '/usageplans/*']) {
      Validations.of(this.usagePlanSync.executionRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::${resource}]`,
        reason:
          'API keys and partner usage plans are created at run time, one per partner, so their ids cannot be named in the ' +
          'policy; the statement is limited to the apikeys and usageplans collections of this account and region, and to ' +
          'the GET/POST/PATCH/DELETE actions the consumer needs.',
      });
    }

    this.consumers = [
      new StreamConsumer(this, 'DirectorySync', { table: props.table, handler: this.directorySync, definition: DIRECTORY_SYNC_CONSUMER }),
      new StreamConsumer(this, 'UsagePlanSync', { table: props.table, handler: this.usagePlanSync, definition: USAGE_PLAN_SYNC_CONSUMER }),
    ];
  }
}
