import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';
import { API_BASE_PATH } from '../../functions/shared/http/route';

/** Where the console receives the authorization code (a route of the app). */
export const CONSOLE_REDIRECT_PATH = '/auth/callback';
/** Where Cognito sends the browser after sign-out. */
export const CONSOLE_LOGOUT_PATH = '/';
/** Vite's `build.assetsDir`: content-hashed file names, cached for good. */
const HASHED_ASSETS_DIR = 'assets';

/**
 * The runtime configuration the console fetches from `/config.json` (written at deploy time, so one
 * build serves every stack). docs/modules/console.md describes the contract.
 */
export interface ConsoleConfig {
  /** Base URL of the admin API: the console's own origin + `/admin/v1` (same origin, no CORS). */
  readonly apiUrl: string;
  readonly auth: {
    readonly mode: 'cognito';
    /** OIDC authority: the user pool's issuer (discovery document and JWKS). */
    readonly authority: string;
    /** The admin frontends' app client (public, code + PKCE). */
    readonly clientId: string;
    /** Cognito hosted sign-in domain (authorize, token, logout); absent when the stack has none. */
    readonly domain?: string;
    readonly redirectPath: string;
    readonly logoutPath: string;
  };
}

/** Properties of {@link AdminConsole}. */
export interface AdminConsoleProps {
  /**
   * The built console (Vite's output directory): `index.html` at its root, content-hashed files
   * under `assets/`.
   * @default - `console/dist` of the repository
   */
  readonly assetDir?: string;
  /** The admin HTTP API: the distribution serves it under `/admin/v1/*`, beside the console. */
  readonly adminApi: IHttpApi;
  /** Token issuer of the staff user pool, `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
  readonly issuerUrl: string;
  /** Id of the admin frontends' app client. */
  readonly clientId: string;
  /**
   * Base URL of the Cognito hosted sign-in domain (`https://<prefix>.auth.<region>.amazoncognito.com`).
   * @default - none: config.json has no `domain` and the console cannot sign in until the stack has one
   */
  readonly signInDomainUrl?: string;
  /**
   * ARN of a WAFv2 web ACL (scope CLOUDFRONT, in us-east-1) for the distribution.
   * @default - none (AwsSolutions-CFR2 is then acknowledged with its reason)
   */
  readonly webAclArn?: string;
  /**
   * How long CloudFront and S3 access logs are kept.
   * @default Duration.days(400)
   */
  readonly accessLogRetention?: Duration;
  /**
   * Retention of the log group of CDK's deployment function (it runs on each deployment that changes the files).
   * @default RetentionDays.ONE_MONTH
   */
  readonly deploymentLogRetention?: RetentionDays;
}

/**
 * Viewer-request function of the console's behavior: a path whose last segment has no file extension
 * is a client-side route (`/orders/123`, `/auth/callback`), answered with index.html. Custom error
 * responses would do the same for S3's 403/404 but apply to the whole distribution, so they would
 * turn the admin API's own 403 and 404 answers into index.html.
 */
const SPA_ROUTES_CODE = `function handler(event) {
  var request = event.request;
  var lastSegment = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (lastSegment.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/**
 * The admin console's hosting (docs/modules/console.md): a private S3 bucket with the built single-page
 * app and a deploy-time `config.json`, served by a CloudFront distribution through origin access
 * control, HTTPS only, with security headers (HSTS, CSP, no framing, no sniffing). The same distribution
 * routes `/admin/v1/*` to the admin HTTP API, so the console calls its API on its own origin: the CSP's
 * connect-src stays 'self' plus Cognito, and no CloudFormation cycle arises between the distribution, the
 * API and the app client (docs/decisions.md#the-console-and-its-api-share-one-cloudfront-origin).
 */
export class AdminConsole extends Construct {
  /** The built console and config.json (private: CloudFront reads it through origin access control). */
  public readonly bucket: Bucket;
  /** CloudFront standard logs and the console bucket's S3 server access logs. */
  public readonly accessLogsBucket: Bucket;
  public readonly distribution: Distribution;
  public readonly responseHeadersPolicy: ResponseHeadersPolicy;
  /** The console's origin, `https://<distribution domain>`. */
  public readonly url: string;
  /** OAuth redirect URI the app client must accept, `<url>/auth/callback`. */
  public readonly callbackUrl: string;
  /** Sign-out URI the app client must accept, `<url>/`. */
  public readonly logoutUrl: string;
  /** What config.json holds (CloudFormation tokens until deployment). */
  public readonly config: ConsoleConfig;

  constructor(scope: Construct, id: string, props: AdminConsoleProps) {
    super(scope, id);
    const assetDir = props.assetDir ?? path.join(__dirname, '..', '..', 'console', 'dist');
    const stack = Stack.of(this);

    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // CloudFront standard logging writes with an ACL grant, which bucket-owner-enforced would refuse.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: props.accessLogRetention ?? Duration.days(400) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket receives the CloudFront and S3 server access logs of the admin console; logging its own access would need yet ' +
        'another bucket and so on without end. It is private, TLS only, and written by the CloudFront and S3 logging services alone.',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'console-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const signInOrigins = props.signInDomainUrl ? [props.signInDomainUrl] : [];
    // The issuer with a trailing slash matches its paths only (discovery document, JWKS), not the rest of cognito-idp.
    const connectSources = ["'self'", `${props.issuerUrl}/`, ...signInOrigins];
    const contentSecurityPolicy = [
      "default-src 'self'",
      "script-src 'self'",
      // MUI (emotion) injects <style> elements at run time.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      `connect-src ${connectSources.join(' ')}`,
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; ');
    this.responseHeadersPolicy = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Backoffice admin console: HSTS, CSP, no framing, no MIME sniffing, same-origin referrers',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.SAME_ORIGIN, override: true },
        contentSecurityPolicy: { contentSecurityPolicy, override: true },
      },
    });

    const spaRoutes = new CloudFrontFunction(this, 'SpaRoutes', {
      comment: 'Backoffice admin console: client-side routes are served index.html',
      code: FunctionCode.fromInline(SPA_ROUTES_CODE),
    });

    const apiDomain = `${props.adminApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Backoffice admin console, and its admin API under /admin/v1',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        functionAssociations: [{ function: spaRoutes, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        [`${API_BASE_PATH.admin}/*`]: {
          origin: new HttpOrigin(apiDomain, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
          // A request that reached CloudFront over HTTP has already sent its token in clear: refuse it rather than redirect.
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          // Never cached; every viewer header but Host (API Gateway routes on its own host name), Authorization included.
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.responseHeadersPolicy,
        },
      },
      enableLogging: true,
      logBucket: this.accessLogsBucket,
      logFilePrefix: 'cloudfront/',
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
    });
    this.acknowledgeDistributionFindings(props.webAclArn !== undefined);

    this.url = `https://${this.distribution.distributionDomainName}`;
    this.callbackUrl = `${this.url}${CONSOLE_REDIRECT_PATH}`;
    this.logoutUrl = `${this.url}${CONSOLE_LOGOUT_PATH}`;
    this.config = {
      apiUrl: `${this.url}${API_BASE_PATH.admin}`,
      auth: {
        mode: 'cognito',
        authority: props.issuerUrl,
        clientId: props.clientId,
        ...(props.signInDomainUrl ? { domain: props.signInDomainUrl } : {}),
        redirectPath: CONSOLE_REDIRECT_PATH,
        logoutPath: CONSOLE_LOGOUT_PATH,
      },
    };

    // Two deployments with disjoint filters (`aws s3 sync` neither uploads nor prunes what a filter leaves out),
    // both run by CDK's one (singleton) deployment function, which logs to this group.
    const build = Source.asset(assetDir);
    const deploymentLogs = new LogGroup(this, 'DeploymentLogs', { retention: props.deploymentLogRetention ?? RetentionDays.ONE_MONTH });
    // First the hashed files, never pruned: a tab still running the previous release loads its chunks lazily.
    const hashedAssets = new BucketDeployment(this, 'DeployHashedAssets', {
      sources: [build],
      destinationBucket: this.bucket,
      logGroup: deploymentLogs,
      exclude: ['*'],
      include: [`${HASHED_ASSETS_DIR}/*`],
      prune: false,
      cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.days(365)), CacheControl.immutable()],
    });
    // Then index.html, the other root files and config.json (the last source, so it replaces one from the build):
    // revalidated on every load, so a release or a new API URL shows at once; files gone from the build are pruned.
    const entryFiles = new BucketDeployment(this, 'DeployEntryFiles', {
      sources: [build, Source.jsonData('config.json', this.config)],
      destinationBucket: this.bucket,
      logGroup: deploymentLogs,
      exclude: [`${HASHED_ASSETS_DIR}/*`],
      prune: true,
      cacheControl: [CacheControl.noCache()],
    });
    entryFiles.node.addDependency(hashedAssets);

    const archive = hashedAssets.node.findAll().find((child): child is Asset => child instanceof Asset);
    if (!archive) throw new Error('BucketDeployment no longer creates its source asset in its own scope');
    // The handler role's scope is the singleton function itself, at the stack's root.
    this.acknowledgeDeploymentFunction(hashedAssets.handlerRole.node.scope!, archive.s3BucketName);
  }

  /** CDK's BucketDeployment function: its runtime, managed policy and grants are the library's, not ours. */
  private acknowledgeDeploymentFunction(deploymentFunction: IConstruct, assetsBucketName: string): void {
    const stack = Stack.of(this);
    const acknowledge = (id: string, reason: string) => Validations.of(deploymentFunction).acknowledge({ id, reason });
    acknowledge(
      'AwsSolutions-L1',
      "CDK's BucketDeployment function runs the Python runtime the pinned aws-cdk-lib release ships it with (and the AWS CLI layer " +
        'it was tested with); it moves to a newer runtime when aws-cdk-lib is upgraded, and it runs only during deployments.',
    );
    acknowledge(
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      "CDK's BucketDeployment function writes its logs with AWSLambdaBasicExecutionRole, the AWS managed policy documented for exactly " +
        'that (CloudWatch Logs actions only); the function runs only during deployments.',
    );
    for (const action of ['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*']) {
      acknowledge(
        `AwsSolutions-IAM5[Action::${action}]`,
        `CDK's BucketDeployment grants (${action}) are its fixed read grant on the CDK assets bucket and read-write grant on the console ` +
          'bucket: it syncs the built files with the AWS CLI, which lists, reads, uploads and prunes objects, during deployments only.',
      );
    }
    const consoleBucketId = stack.getLogicalId(this.bucket.node.defaultChild as CfnElement);
    acknowledge(
      `AwsSolutions-IAM5[Resource::<${consoleBucketId}.Arn>/*]`,
      "CDK's BucketDeployment function writes the console's files, named by the build, anywhere in the console bucket (and nothing else): " +
        'the bucket is the narrowest resource that names them.',
    );
    acknowledge(
      `AwsSolutions-IAM5[Resource::arn:${asNagPrints(stack, stack.partition)}:s3:::${asNagPrints(stack, assetsBucketName)}/*]`,
      "CDK's BucketDeployment function reads the uploaded console archive from the CDK assets bucket of the bootstrap stack; " +
        'archives are named by content hash at synth time, so the grant covers that bucket\'s objects, read only.',
    );
  }

  private acknowledgeDistributionFindings(hasWebAcl: boolean): void {
    const distribution = Validations.of(this.distribution);
    distribution.acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: staff sign in from wherever they work, and every sign-in goes through the Cognito user pool with MFA and ' +
        'threat protection; the console files are public code with no data, and every API call needs a staff access token.',
    });
    if (!hasWebAcl) {
      distribution.acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'No web ACL by default: the console is static files, and every admin API call needs a staff access token checked by the JWT ' +
          'authorizer and is throttled by the API stage; pass webAclArn (a CLOUDFRONT-scope web ACL) to associate an organization-managed WAF.',
      });
    }
    distribution.acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The distribution uses its default *.cloudfront.net certificate, whose security policy CloudFront fixes (TLSv1 minimum, ' +
        'modern browsers negotiate TLS 1.2 or 1.3); raising the minimum needs a custom domain with an ACM certificate, which this stack does not manage.',
    });
  }
}

/** A value as cdk-nag prints it in finding ids: literals as they are, pseudo parameters as `<AWS::Name>`. */
function asNagPrints(stack: Stack, value: string): string {
  const resolved: unknown = stack.resolve(value);
  if (typeof resolved === 'string') return resolved;
  const { Ref: ref, 'Fn::Sub': sub } = resolved as { Ref?: unknown; 'Fn::Sub'?: unknown };
  if (typeof ref === 'string') return `<${ref}>`;
  if (typeof sub === 'string') return sub.replace(/\$\{([^}]+)\}/g, '<$1>');
  throw new Error(`Cannot print ${JSON.stringify(resolved)} as cdk-nag does`);
}
