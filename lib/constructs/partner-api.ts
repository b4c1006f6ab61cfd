import { Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  EndpointType,
  IdentitySource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  Period,
  RequestAuthorizer,
  ResponseType,
  RestApi,
  type Method,
  type RequestValidator,
  type UsagePlan,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
// Same problem type URIs as the functions, so gateway answers look like the functions' own.
import { PROBLEM_BASE } from '../../functions/shared/errors';
import { BURST_POLICY, DAY_POLICY } from '../../functions/shared/http/rate-limit';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { perKey } from './per-key';
import { PARTNER_TIERS } from '../../functions/shared/schema/partner-tiers';
import { API_BASE_PATH, fullPath, routeKey, type ModuleName, type PartnerRoute, type RouteSpec } from '../../functions/shared/http/route';

/** Throttle and quota of one partner tier (a usage plan). */
export interface PartnerTier {
  /** Steady-state requests per second per key. */
  readonly rateLimit: number;
  /** Burst (token bucket size) per key. */
  readonly burstLimit: number;
  /** Requests per key and day (UTC). */
  readonly dailyQuota: number;
}

/** Default partner tiers (functions/shared/schema/partner-tiers.ts): each becomes a usage plan on the stage. */
export const DEFAULT_PARTNER_TIERS: Readonly<Record<string, PartnerTier>> = Object.fromEntries(
  Object.entries(PARTNER_TIERS).map(([name, t]) => [name, { rateLimit: t.requestsPerSecond, burstLimit: t.burst, dailyQuota: t.dailyQuota }]),
);


/** Properties of {@link PartnerApi}. */
export interface PartnerApiProps {
  /** The route table; only routes with `api: 'partner'` are created here. */
  readonly routes: readonly RouteSpec[];
  /** The Lambda function of each module; every partner route is integrated with its module's function. */
  readonly functions: Readonly<Record<ModuleName, IFunction>>;
  /**
   * The REQUEST authorizer (functions/iam/partner-authorizer.ts): resolves `x-api-key` to the
   * partner, its scopes and the usage-plan key (`usageIdentifierKey`).
   */
  readonly authorizerFunction: IFunction;
  /**
   * Usage plans by tier name.
   * @default DEFAULT_PARTNER_TIERS (standard: 10 rps / 20 burst / 10k per day; premium: 50 / 100 / 100k)
   */
  readonly tiers?: Readonly<Record<string, PartnerTier>>;
  /**
   * Name of the deployment stage (part of the execute-api URL: `…/<stage>/partner/v1`).
   * @default 'live'
   */
  readonly stageName?: string;
  /**
   * Stage-wide ceiling of requests per second, whatever the keys' plans allow.
   * @default 200
   */
  readonly throttlingRateLimit?: number;
  /**
   * Stage-wide burst.
   * @default 400
   */
  readonly throttlingBurstLimit?: number;
  /**
   * Retention of the access log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: RetentionDays;
  /**
   * ARN of a WAFv2 web ACL (REGIONAL scope) to associate with the stage.
   * @default - none (AwsSolutions-APIG3 is then acknowledged with its reason)
   */
  readonly webAclArn?: string;
}

/**
 * The partner API (docs/architecture.md#who-uses-it, #modules): a REST API whose resources and methods come from the partner
 * routes of the route table (full paths under `/partner/v1`), each guarded by the API-key Lambda
 * authorizer (REQUEST type on `x-api-key`, no result caching so a revoked key fails on the next
 * request) with `apiKeyRequired` and the API key source AUTHORIZER, so the usage plan of the key the
 * authorizer names applies throttling and the daily quota (429). Access logs, execution logs
 * (errors), X-Ray tracing, request-parameter validation and problem+json gateway responses.
 */
export class PartnerApi extends Construct {
  /** The REST API. */
  public readonly restApi: RestApi;
  /** The REQUEST authorizer on `x-api-key`. */
  public readonly authorizer: RequestAuthorizer;
  /** The request validator used by every method. */
  public readonly requestValidator: RequestValidator;
  /** Usage plans by tier name, attached to the stage. */
  public readonly usagePlans: Readonly<Record<string, UsagePlan>>;
  /** The access log group of the stage. */
  public readonly accessLogGroup: LogGroup;
  /** The created methods by route key (`GET /partner/v1/products`). */
  public readonly methods: ReadonlyMap<string, Method>;
  /** Base URL of the partner API, `https://…/<stage>/partner/v1`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: PartnerApiProps) {
    super(scope, id);
    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
    });

    this.restApi = new RestApi(this, 'RestApi', {
      restApiName: `${Stack.of(this).stackName}-partner`,
      description: 'Backoffice partner API (x-api-key, usage plans)',
      endpointTypes: [EndpointType.REGIONAL],
      apiKeySourceType: ApiKeySourceType.AUTHORIZER,
      // Execution logging needs API Gateway's account-level CloudWatch role.
      cloudWatchRole: true,
      deployOptions: {
        stageName: props.stageName ?? 'live',
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        throttlingRateLimit: props.throttlingRateLimit ?? 200,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 400,
        accessLogDestination: new LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            httpMethod: '$context.httpMethod',
            resourcePath: '$context.resourcePath',
            path: '$context.path',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            partner: '$context.authorizer.principalId',
            apiKeyId: '$context.identity.apiKeyId',
            authorizerError: '$context.authorizer.error',
            errorType: '$context.error.responseType',
          }),
        ),
      },
    });

    this.authorizer = new RequestAuthorizer(this, 'ApiKeyAuthorizer', {
      authorizerName: 'partner-api-key',
      handler: props.authorizerFunction,
      identitySources: [IdentitySource.header('x-api-key')],
      // No caching: a revoked or expired key is refused on the very next request.
      resultsCacheTtl: Duration.seconds(0),
    });

    // API Gateway checks the declared request parameters (and bodies of methods that declare a
    // model; none do): the functions validate bodies and queries with the route table's strict zod
    // schemas, one source of truth whose problem+json errors name every offending field (docs/architecture.md#api-conventions).
    this.requestValidator = this.restApi.addRequestValidator('RequestValidator', {
      requestValidatorName: 'params-and-body',
      validateRequestParameters: true,
      validateRequestBody: true,
    });

    // One invoke permission per function for the whole API instead of one per method.
    const integrationOf = perKey(
      (module: ModuleName) => new LambdaIntegration(props.functions[module], { proxy: true, scopePermissionToMethod: false }),
    );

    const methods = new Map<string, Method>();
    for (const route of props.routes.filter((r): r is PartnerRoute => r.api === 'partner')) {
      const key = routeKey(route);
      if (methods.has(key)) throw new Error(`Duplicate partner route ${key}`);
      const pathParameters = [...route.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]);
      const resource = this.restApi.root.resourceForPath(fullPath(route));
      methods.set(
        key,
        resource.addMethod(route.method, integrationOf(route.module), {
          operationName: route.operationId,
          authorizer: this.authorizer,
          authorizationType: AuthorizationType.CUSTOM,
          apiKeyRequired: true,
          requestValidator: this.requestValidator,
          requestParameters: Object.fromEntries(pathParameters.map((name) => [`method.request.path.${name}`, true])),
        }),
      );
    }
    this.methods = methods;

    const plans: Record<string, UsagePlan> = {};
    for (const [tier, limits] of Object.entries(props.tiers ?? DEFAULT_PARTNER_TIERS)) {
      plans[tier] = this.restApi.addUsagePlan(`UsagePlan-${tier}`, {
        name: `backoffice-partner-${tier}`,
        description: `Partner tier ${tier}: ${limits.rateLimit} rps, burst ${limits.burstLimit}, ${limits.dailyQuota} requests per day`,
        throttle: { rateLimit: limits.rateLimit, burstLimit: limits.burstLimit },
        quota: { limit: limits.dailyQuota, period: Period.DAY },
        apiStages: [{ api: this.restApi, stage: this.restApi.deploymentStage }],
      });
    }
    this.usagePlans = plans;

    this.addProblemResponses();

    if (props.webAclArn) {
      new CfnWebACLAssociation(this, 'WebAclAssociation', {
        resourceArn: this.restApi.deploymentStage.stageArn,
        webAclArn: props.webAclArn,
      });
    } else {
      Validations.of(this.restApi).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason:
          'No web ACL by default: every method requires a partner key checked by the Lambda authorizer, and per-key ' +
          'throttling and daily quotas come from the usage plans; pass webAclArn to associate an organization-managed WAF.',
      });
    }

    Validations.of(this.restApi).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'Partners are machine clients authenticated by API key (docs/architecture.md#who-uses-it), not Cognito users: every method uses the ' +
        'REQUEST Lambda authorizer on x-api-key plus apiKeyRequired; staff (Cognito) use the admin HTTP API.',
    });
    Validations.of(this.restApi).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        "API Gateway's account-level CloudWatch role (required for execution logging) uses the AWS managed policy " +
        'AmazonAPIGatewayPushToCloudWatchLogs, which AWS documents for exactly this role and which only grants CloudWatch Logs actions.',
    });

    // The stack outputs the partner base URL itself; drop RestApi's automatic stage-URL output.
    this.restApi.node.tryRemoveChild('Endpoint');
    this.url = `${this.restApi.url.replace(/\/$/, '')}${API_BASE_PATH.partner}`;
  }

  /**
   * Answers produced by API Gateway itself (bad key, throttling, quota, unknown path…) use the same
   * RFC 9457 problem+json shape as the functions' answers (docs/architecture.md#api-conventions).
   */
  private addProblemResponses(): void {
    const responses: ReadonlyArray<{ type: ResponseType; status: number; title: string; slug: string; detail?: string; headers?: Record<string, string> }> = [
      { type: ResponseType.UNAUTHORIZED, status: 401, title: 'Unauthorized', slug: 'unauthorized', detail: 'Missing or invalid API key' },
      { type: ResponseType.INVALID_API_KEY, status: 401, title: 'Unauthorized', slug: 'unauthorized', detail: 'Missing or invalid API key' },
      { type: ResponseType.ACCESS_DENIED, status: 403, title: 'Forbidden', slug: 'forbidden', detail: 'You are not allowed to do this' },
      // Without IAM authorization, "missing authentication token" means no such resource or method.
      { type: ResponseType.MISSING_AUTHENTICATION_TOKEN, status: 404, title: 'Not Found', slug: 'no-route', detail: 'No such route' },
      { type: ResponseType.RESOURCE_NOT_FOUND, status: 404, title: 'Not Found', slug: 'no-route', detail: 'No such route' },
      // Gateway response headers take only fixed values or request parameters, not the authorizer's
      // context: they name the exhausted policy (RateLimit); RateLimit-Policy came with earlier answers.
      {
        type: ResponseType.THROTTLED,
        status: 429,
        title: 'Too Many Requests',
        slug: 'rate-limited',
        detail: 'Rate limit exceeded',
        headers: { 'Retry-After': "'1'", RateLimit: `'"${BURST_POLICY}";r=0;t=1'` },
      },
      {
        type: ResponseType.QUOTA_EXCEEDED,
        status: 429,
        title: 'Too Many Requests',
        slug: 'quota-exceeded',
        detail: 'Daily quota exceeded',
        headers: { RateLimit: `'"${DAY_POLICY}";r=0'` },
      },
      { type: ResponseType.REQUEST_TOO_LARGE, status: 413, title: 'Payload Too Large', slug: 'payload-too-large' },
      { type: ResponseType.UNSUPPORTED_MEDIA_TYPE, status: 415, title: 'Unsupported Media Type', slug: 'unsupported-media-type' },
      { type: ResponseType.BAD_REQUEST_PARAMETERS, status: 400, title: 'Bad Request', slug: 'invalid-request' },
      { type: ResponseType.BAD_REQUEST_BODY, status: 400, title: 'Bad Request', slug: 'invalid-request' },
      { type: ResponseType.WAF_FILTERED, status: 403, title: 'Forbidden', slug: 'forbidden', detail: 'The request was blocked' },
      { type: ResponseType.INTEGRATION_TIMEOUT, status: 504, title: 'Gateway Timeout', slug: 'timeout', detail: 'The request took too long' },
      // Fallbacks: every 4xx type API Gateway can produce here is listed above.
      { type: ResponseType.DEFAULT_4XX, status: 400, title: 'Bad Request', slug: 'invalid-request' },
      { type: ResponseType.DEFAULT_5XX, status: 500, title: 'Internal Server Error', slug: 'internal', detail: 'Something went wrong on our side' },
    ];
    for (const response of responses) {
      const detail = response.detail === undefined ? '$context.error.messageString' : JSON.stringify(response.detail);
      this.restApi.addGatewayResponse(`Problem-${response.type.responseType}`, {
        type: response.type,
        statusCode: String(response.status),
        responseHeaders: { 'Content-Type': "'application/problem+json'", ...response.headers },
        templates: {
          'application/json':
            `{"type":"${PROBLEM_BASE}${response.slug}","title":"${response.title}",` +
            `"status":${response.status},"detail":${detail},` +
            '"instance":"$context.path","requestId":"$context.requestId"}',
        },
      });
    }
  }
}
