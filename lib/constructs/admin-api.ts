import { Duration, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { perKey } from './per-key';
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS } from '../../functions/shared/http/cors';
import { API_BASE_PATH, fullPath, routeKey, type AdminRoute, type ModuleName, type RouteSpec } from '../../functions/shared/http/route';

/** Request headers the admin frontends send (CORS `Access-Control-Allow-Headers`). */
export const ADMIN_CORS_ALLOW_HEADERS: string[] = [...CORS_ALLOW_HEADERS];
/** Response headers the frontends may read (CORS `Access-Control-Expose-Headers`). */
export const ADMIN_CORS_EXPOSE_HEADERS: string[] = [...CORS_EXPOSE_HEADERS];

/** Properties of {@link AdminApi}. */
export interface AdminApiProps {
  /** The route table; only routes with `api: 'admin'` are created here. */
  readonly routes: readonly RouteSpec[];
  /** The Lambda function of each module; every admin route is integrated with its module's function. */
  readonly functions: Readonly<Record<ModuleName, IFunction>>;
  /** Token issuer accepted by the JWT authorizer (the staff user pool's issuer URL). */
  readonly jwtIssuer: string;
  /** Accepted audiences: the app client ids (checked against `aud`, or `client_id` in access tokens). */
  readonly jwtAudience: readonly string[];
  /**
   * Browser origins of the admin frontends, answered by API Gateway's CORS preflight.
   * @default - no CORS configuration (browsers on other origins cannot call the API)
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Steady-state request rate of the stage (requests per second, all routes together).
   * @default 100
   */
  readonly throttlingRateLimit?: number;
  /**
   * Burst of the stage's token bucket.
   * @default 200
   */
  readonly throttlingBurstLimit?: number;
  /**
   * Retention of the access log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: RetentionDays;
}

/**
 * The admin API (docs/architecture.md#who-uses-it, #architecture-1): an HTTP API whose routes come one by one from the route table —
 * each with its method and full path, the JWT authorizer of the staff user pool, and a Lambda
 * proxy integration with its module's function. No catch-all route: an undeclared path is a 404
 * from API Gateway and never reaches a function. CORS preflight, an access log and stage
 * throttling are configured on the `$default` stage.
 */
export class AdminApi extends Construct {
  /** The HTTP API. */
  public readonly httpApi: HttpApi;
  /** The `$default` stage (auto-deployed, throttled, access-logged). */
  public readonly stage: HttpStage;
  /** The JWT authorizer attached to every route. */
  public readonly authorizer: HttpJwtAuthorizer;
  /** The access log group of the stage. */
  public readonly accessLogGroup: LogGroup;
  /** The created routes by route key (`GET /admin/v1/products/{id}`). */
  public readonly routes: ReadonlyMap<string, HttpRoute>;
  /** Base URL of the admin API, `https://…/admin/v1`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: AdminApiProps) {
    super(scope, id);
    const origins = props.allowedOrigins ?? [];

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `${Stack.of(this).stackName}-admin`,
      description: 'Backoffice admin API (staff, JWT)',
      createDefaultStage: false,
      ...(origins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: [...origins],
              allowMethods: [
                CorsHttpMethod.GET,
                CorsHttpMethod.POST,
                CorsHttpMethod.PUT,
                CorsHttpMethod.PATCH,
                CorsHttpMethod.DELETE,
                CorsHttpMethod.OPTIONS,
              ],
              allowHeaders: ADMIN_CORS_ALLOW_HEADERS,
              exposeHeaders: ADMIN_CORS_EXPOSE_HEADERS,
              allowCredentials: false,
              maxAge: Duration.minutes(10),
            },
          }
        : {}),
    });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttlingRateLimit ?? 100, burstLimit: props.throttlingBurstLimit ?? 200 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            httpMethod: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            staff: '$context.authorizer.claims.username',
          }),
        ),
      },
    });

    this.authorizer = new HttpJwtAuthorizer('StaffJwtAuthorizer', props.jwtIssuer, {
      authorizerName: 'staff-jwt',
      jwtAudience: [...props.jwtAudience],
      identitySource: ['$request.header.Authorization'],
    });

    // One integration per module function; one invoke permission per function for the whole API
    // (not one per route) keeps each function's resource policy small as the route table grows.
    const integrationOf = perKey(
      (module: ModuleName) =>
        new HttpLambdaIntegration(`${module}Integration`, props.functions[module], { scopePermissionToRoute: false }),
    );

    const created = new Map<string, HttpRoute>();
    for (const route of props.routes.filter((r): r is AdminRoute => r.api === 'admin')) {
      const key = routeKey(route);
      if (created.has(key)) throw new Error(`Duplicate admin route ${key}`);
      created.set(
        key,
        new HttpRoute(this, `Route-${route.operationId}`, {
          httpApi: this.httpApi,
          routeKey: HttpRouteKey.with(fullPath(route), HttpMethod[route.method]),
          integration: integrationOf(route.module),
          authorizer: this.authorizer,
        }),
      );
    }
    this.routes = created;
    this.url = `${this.httpApi.apiEndpoint}${API_BASE_PATH.admin}`;
  }
}
