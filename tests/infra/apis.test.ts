import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Function as LambdaFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { routes } from '../../functions/routes';
import { MODULES, type ModuleName } from '../../functions/shared/http/route';
import { ADMIN_CORS_ALLOW_HEADERS, ADMIN_CORS_EXPOSE_HEADERS } from '../../lib/constructs/admin-api';
import { DEFAULT_PARTNER_TIERS, PartnerApi } from '../../lib/constructs/partner-api';
import { logicalIdOf, resourcesOf, disposeBackoffice, synthBackoffice, TEST_LOG_RETENTION, TEST_ORIGINS, type SynthesizedBackoffice } from './synth-stack';

let synth: SynthesizedBackoffice;
beforeAll(() => {
  synth = synthBackoffice();
});
afterAll(() => disposeBackoffice(synth));

function only(type: string): Record<string, unknown> {
  const found = Object.values(resourcesOf(synth.template, type));
  expect(found).toHaveLength(1);
  return found[0]?.Properties ?? {};
}

describe('admin HTTP API', () => {
  test('answers CORS preflight for the allowed origins only', () => {
    expect(only('AWS::ApiGatewayV2::Api').CorsConfiguration).toEqual({
      AllowOrigins: TEST_ORIGINS,
      AllowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      AllowHeaders: ADMIN_CORS_ALLOW_HEADERS,
      ExposeHeaders: ADMIN_CORS_EXPOSE_HEADERS,
      AllowCredentials: false,
      MaxAge: 600,
    });
  });

  test('the $default stage auto-deploys with default throttling', () => {
    expect(only('AWS::ApiGatewayV2::Stage')).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
    });
  });

  test('writes JSON access logs with request id, route, status and caller to a retained log group', () => {
    const settings = only('AWS::ApiGatewayV2::Stage').AccessLogSettings as { DestinationArn: unknown; Format: string };
    const logGroupId = logicalIdOf(synth.stack.adminApi.accessLogGroup);
    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
    expect(JSON.parse(settings.Format)).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      sourceIp: '$context.identity.sourceIp',
      staff: '$context.authorizer.claims.username',
    });
    expect(resourcesOf(synth.template, 'AWS::Logs::LogGroup')[logGroupId]?.Properties.RetentionInDays).toBe(TEST_LOG_RETENTION);
  });
});

describe('partner REST API', () => {
  test.each(Object.entries(DEFAULT_PARTNER_TIERS))('usage plan %s: throttle and daily quota, attached to the stage', (tier, limits) => {
    const stageId = logicalIdOf(synth.stack.partnerApi.restApi.deploymentStage);
    const usagePlan = synth.stack.partnerApi.usagePlans[tier];
    if (!usagePlan) throw new Error(`no usage plan ${tier}`);
    const plan = resourcesOf(synth.template, 'AWS::ApiGateway::UsagePlan')[logicalIdOf(usagePlan)];
    expect(plan?.Properties).toMatchObject({
      UsagePlanName: `backoffice-partner-${tier}`,
      Throttle: { RateLimit: limits.rateLimit, BurstLimit: limits.burstLimit },
      Quota: { Limit: limits.dailyQuota, Period: 'DAY' },
      ApiStages: [{ ApiId: { Ref: logicalIdOf(synth.stack.partnerApi.restApi) }, Stage: { Ref: stageId } }],
    });
  });

  test('the default tiers are standard 10/20/10k and premium 50/100/100k', () => {
    expect(DEFAULT_PARTNER_TIERS).toEqual({
      standard: { rateLimit: 10, burstLimit: 20, dailyQuota: 10_000 },
      premium: { rateLimit: 50, burstLimit: 100, dailyQuota: 100_000 },
    });
    synth.template.resourceCountIs('AWS::ApiGateway::UsagePlan', 2);
  });

  test('the stage traces with X-Ray, logs errors for all methods and has a stage-wide throttle', () => {
    expect(only('AWS::ApiGateway::Stage')).toMatchObject({
      TracingEnabled: true,
      MethodSettings: [
        { HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true, ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
      ],
    });
  });

  test('writes JSON access logs naming the partner and the usage-plan key', () => {
    const setting = only('AWS::ApiGateway::Stage').AccessLogSetting as { Format: string; DestinationArn: unknown };
    expect(JSON.parse(setting.Format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      partner: '$context.authorizer.principalId',
      apiKeyId: '$context.identity.apiKeyId',
    });
    expect(JSON.stringify(setting.DestinationArn)).toContain(logicalIdOf(synth.stack.partnerApi.accessLogGroup));
  });

  test('validates request parameters', () => {
    expect(only('AWS::ApiGateway::RequestValidator')).toMatchObject({ ValidateRequestParameters: true });
  });

  test.each([
    ['UNAUTHORIZED', '401'],
    ['INVALID_API_KEY', '401'],
    ['ACCESS_DENIED', '403'],
    ['MISSING_AUTHENTICATION_TOKEN', '404'],
    ['THROTTLED', '429'],
    ['QUOTA_EXCEEDED', '429'],
    ['DEFAULT_5XX', '500'],
  ])('gateway response %s is problem+json with status %s', (type, status) => {
    const response = Object.values(resourcesOf(synth.template, 'AWS::ApiGateway::GatewayResponse')).find((r) => r.Properties.ResponseType === type);
    expect(response?.Properties).toMatchObject({
      StatusCode: status,
      ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
    });
    const template = (response?.Properties.ResponseTemplates as Record<string, string>)['application/json'] ?? '';
    // Valid JSON once API Gateway substitutes the $context variables.
    const parsed = JSON.parse(template.replace(/\$context\.error\.messageString/g, '"msg"').replace(/\$context\.[A-Za-z.]+/g, 'x')) as Record<string, unknown>;
    expect(parsed).toMatchObject({ status: Number(status), title: expect.any(String), type: expect.stringMatching(/^https:\/\//) });
  });
});

describe('partner rate-limit fields', () => {
  const responseOf = (type: string) =>
    Object.values(resourcesOf(synth.template, 'AWS::ApiGateway::GatewayResponse')).find((r) => r.Properties.ResponseType === type)?.Properties
      .ResponseParameters as Record<string, string>;

  test("API Gateway's own 429s name the exhausted policy; a throttled one says when to retry", () => {
    expect(responseOf('THROTTLED')).toMatchObject({
      'gatewayresponse.header.Retry-After': "'1'",
      'gatewayresponse.header.RateLimit': `'"burst";r=0;t=1'`,
    });
    expect(responseOf('QUOTA_EXCEEDED')).toMatchObject({ 'gatewayresponse.header.RateLimit': `'"day";r=0'` });
  });

  test('the authorizer counts requests per day, and may update nothing but the USAGE# counters', () => {
    const authorizer = logicalIdOf(synth.stack.modules.partnerAuthorizer);
    const fn = resourcesOf(synth.template, 'AWS::Lambda::Function')[authorizer]!;
    expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.COUNT_PARTNER_REQUESTS).toBe('true');
    const statements = Object.values(resourcesOf(synth.template, 'AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(logicalIdOf(synth.stack.modules.partnerAuthorizer.role!)))
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
    const writes = statements.filter((s) => JSON.stringify(s.Action).match(/dynamodb:(Put|Update|Delete|BatchWrite)/));
    expect(writes).toEqual([
      expect.objectContaining({ Action: 'dynamodb:UpdateItem', Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USAGE#*'] } } }),
    ]);
  });
});

test('CloudFormation outputs name the API URLs, the user pool, the client and the tables', () => {
  const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
  expect(Object.keys(outputs)).toEqual(
    expect.arrayContaining(['AdminApiUrl', 'PartnerApiUrl', 'UserPoolId', 'UserPoolClientId', 'JwtIssuer', 'TableName', 'AuditTableName']),
  );
  expect(outputs.AdminApiUrl?.Value).toEqual({
    'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalIdOf(synth.stack.adminApi.httpApi), 'ApiEndpoint'] }, '/admin/v1']],
  });
  expect(JSON.stringify(outputs.PartnerApiUrl?.Value)).toContain('/partner/v1');
  expect(outputs.TableName?.Value).toEqual({ Ref: logicalIdOf(synth.stack.data.table) });
  expect(outputs.AuditTableName?.Value).toEqual({ Ref: logicalIdOf(synth.stack.data.auditTable) });
  expect(outputs.UserPoolClientId?.Value).toEqual({ Ref: logicalIdOf(synth.stack.identity.userPoolClient) });
});

describe('PartnerApi options', () => {
  function standalonePartnerApi(props: { webAclArn?: string }): { stack: Stack; api: PartnerApi } {
    const stack = new Stack(new App(), 'Standalone', { env: { account: '123456789012', region: 'eu-west-1' } });
    const imported = (name: string) =>
      LambdaFunction.fromFunctionAttributes(stack, name, {
        functionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${name}`,
        sameEnvironment: true,
      });
    const functions = Object.fromEntries(MODULES.map((module) => [module, imported(module)])) as Record<ModuleName, IFunction>;
    const api = new PartnerApi(stack, 'PartnerApi', { routes, functions, authorizerFunction: imported('authorizer'), ...props });
    return { stack, api };
  }

  test('associates a given WAF web ACL with the stage instead of acknowledging APIG3', () => {
    const webAclArn = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/partners/abc';
    const { stack, api } = standalonePartnerApi({ webAclArn });
    Template.fromStack(stack).hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: webAclArn });
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).not.toContain('AwsSolutions-APIG3');
    const acknowledged = api.restApi.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    expect(JSON.stringify(acknowledged.map((m) => m.data))).not.toContain('APIG3');
  });

  test('takes custom tiers', () => {
    const stack = new Stack(new App(), 'Tiers');
    const imported = (name: string) => LambdaFunction.fromFunctionArn(stack, name, `arn:aws:lambda:eu-west-1:123456789012:function:${name}`);
    const functions = Object.fromEntries(MODULES.map((module) => [module, imported(module)])) as Record<ModuleName, IFunction>;
    new PartnerApi(stack, 'PartnerApi', {
      routes,
      functions,
      authorizerFunction: imported('authorizer'),
      tiers: { enterprise: { rateLimit: 200, burstLimit: 400, dailyQuota: 1_000_000 } },
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 1);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      UsagePlanName: 'backoffice-partner-enterprise',
      Throttle: { RateLimit: 200, BurstLimit: 400 },
      Quota: { Limit: 1_000_000, Period: 'DAY' },
    });
  });
});
