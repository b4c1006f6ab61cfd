import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AdminConsole } from '../../lib/constructs/admin-console';
import { StaffIdentity } from '../../lib/constructs/identity';
import { consoleBuildStub, disposeBackoffice, isCdkDeploymentFunction, logicalIdOf, resourcesOf, synthBackoffice, TEST_LOG_RETENTION, TEST_ORIGINS, type SynthesizedBackoffice } from './synth-stack';

let synth: SynthesizedBackoffice;
beforeAll(() => {
  synth = synthBackoffice();
});
afterAll(() => disposeBackoffice(synth));

// AWS managed CloudFront policies (ids fixed by CloudFront).
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

/** A template value as text: `Ref` → `${Id}`, `Fn::GetAtt` → `${Id.Attr}`, `Fn::Join` joined. */
function rendered(value: unknown): string {
  if (typeof value === 'string') return value;
  const { Ref: ref, 'Fn::GetAtt': getAtt, 'Fn::Join': join } = value as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
  if (ref !== undefined) return `\${${ref}}`;
  if (getAtt !== undefined) return `\${${getAtt[0]}.${getAtt[1]}}`;
  if (join !== undefined) return join[1].map(rendered).join(join[0]);
  throw new Error(`Cannot render ${JSON.stringify(value)}`);
}

function only(type: string): { id: string; props: Record<string, unknown> } {
  const found = Object.entries(resourcesOf(synth.template, type));
  expect(found).toHaveLength(1);
  return { id: found[0]![0], props: found[0]![1].Properties };
}

interface Behavior {
  PathPattern?: string;
  TargetOriginId: string;
  ViewerProtocolPolicy: string;
  CachePolicyId: string;
  OriginRequestPolicyId?: string;
  ResponseHeadersPolicyId: unknown;
  AllowedMethods?: string[];
  FunctionAssociations?: Array<{ EventType: string; FunctionARN: unknown }>;
}
interface DistributionConfig {
  DefaultRootObject: string;
  DefaultCacheBehavior: Behavior;
  CacheBehaviors: Behavior[];
  Origins: Array<{ Id: string; DomainName: unknown; OriginAccessControlId?: unknown; S3OriginConfig?: { OriginAccessIdentity: string }; CustomOriginConfig?: { OriginProtocolPolicy: string } }>;
  CustomErrorResponses?: unknown;
  Logging?: { Bucket: unknown; Prefix: string };
}

const distributionConfig = () => only('AWS::CloudFront::Distribution').props.DistributionConfig as DistributionConfig;
const consoleUrl = () => `https://\${${logicalIdOf(synth.stack.adminConsole.distribution)}.DomainName}`;
const issuer = () => `https://cognito-idp.eu-west-1.amazonaws.com/\${${logicalIdOf(synth.stack.identity.userPool)}}`;

/** The Content-Security-Policy header as directive → sources. */
function cspOf(template: Template): Record<string, string[]> {
  const policies = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy')) as Array<{ Properties: Record<string, unknown> }>;
  expect(policies).toHaveLength(1);
  const config = policies[0]!.Properties.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } } };
  const text = rendered(config.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
  return Object.fromEntries(text.split(';').map((directive) => directive.trim().split(/\s+/)).map(([name, ...sources]) => [name!, sources]));
}

describe('console bucket', () => {
  test('is private: all public access blocked, bucket-owner objects, encrypted, TLS only, access-logged', () => {
    const bucket = resourcesOf(synth.template, 'AWS::S3::Bucket')[logicalIdOf(synth.stack.adminConsole.bucket)]!.Properties;
    expect(bucket).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalIdOf(synth.stack.adminConsole.accessLogsBucket) }, LogFilePrefix: 'console-bucket/' },
    });
    expect(bucket.WebsiteConfiguration).toBeUndefined();
  });

  test('its policy allows this distribution alone to read objects (origin access control), and denies plain HTTP', () => {
    const bucketId = logicalIdOf(synth.stack.adminConsole.bucket);
    const policy = Object.values(resourcesOf(synth.template, 'AWS::S3::BucketPolicy')).find((p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: bucketId }));
    const statements = (policy!.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      }),
    ]);
    expect(rendered((allows[0]!.Condition as { StringEquals: Record<string, unknown> }).StringEquals['AWS:SourceArn'])).toMatch(
      new RegExp(`:distribution/\\$\\{${logicalIdOf(synth.stack.adminConsole.distribution)}\\}$`),
    );
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  test('CloudFront reads it through an origin access control, with no origin access identity', () => {
    const [s3Origin] = distributionConfig().Origins.filter((o) => o.S3OriginConfig);
    expect(s3Origin).toMatchObject({
      DomainName: { 'Fn::GetAtt': [logicalIdOf(synth.stack.adminConsole.bucket), 'RegionalDomainName'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
    const oac = only('AWS::CloudFront::OriginAccessControl');
    expect(s3Origin!.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oac.id, 'Id'] });
    expect(oac.props.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    synth.template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
  });

  test('the access-log bucket takes CloudFront standard logs (ACL-based, so not bucket-owner-enforced) and expires them', () => {
    const logsId = logicalIdOf(synth.stack.adminConsole.accessLogsBucket);
    expect(resourcesOf(synth.template, 'AWS::S3::Bucket')[logsId]!.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      LifecycleConfiguration: { Rules: [expect.objectContaining({ ExpirationInDays: 400, Status: 'Enabled' })] },
    });
    expect(distributionConfig().Logging).toEqual({ Bucket: { 'Fn::GetAtt': [logsId, 'RegionalDomainName'] }, Prefix: 'cloudfront/' });
  });
});

describe('distribution', () => {
  test('serves the console over HTTPS (HTTP is redirected), index.html at the root, cached by the managed optimized policy', () => {
    const config = distributionConfig();
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: CACHING_OPTIMIZED });
  });

  test('routes /admin/v1/* to the admin HTTP API, uncached, with every viewer header but Host (the token included), HTTPS only', () => {
    const config = distributionConfig();
    expect(config.CacheBehaviors).toHaveLength(1);
    const api = config.CacheBehaviors[0]!;
    expect(api).toMatchObject({
      PathPattern: '/admin/v1/*',
      ViewerProtocolPolicy: 'https-only',
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']),
    });
    const origin = config.Origins.find((o) => o.Id === api.TargetOriginId)!;
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    expect(rendered(origin.DomainName)).toBe(`\${${logicalIdOf(synth.stack.adminApi.httpApi)}}.execute-api.eu-west-1.\${AWS::URLSuffix}`);
  });

  test('client-side routes get index.html from a viewer-request function on the console behavior only', () => {
    const config = distributionConfig();
    const fn = only('AWS::CloudFront::Function');
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fn.id, 'FunctionARN'] } }]);
    expect(config.CacheBehaviors[0]!.FunctionAssociations).toBeUndefined();

    const handler = new Function(`${fn.props.FunctionCode as string}\nreturn handler;`)() as (event: { request: { uri: string } }) => { uri: string };
    const served = (uri: string) => handler({ request: { uri } }).uri;
    expect(served('/')).toBe('/index.html');
    expect(served('/auth/callback')).toBe('/index.html');
    expect(served('/orders/01J9Z3')).toBe('/index.html');
    expect(served('/index.html')).toBe('/index.html');
    expect(served('/config.json')).toBe('/config.json');
    expect(served('/assets/index-4f2a9c1e.js')).toBe('/assets/index-4f2a9c1e.js');
    expect(served('/favicon.ico')).toBe('/favicon.ico');
  });

  test('has no custom error responses: they would apply to the admin API too and turn its 403 and 404 answers into index.html', () => {
    expect(distributionConfig().CustomErrorResponses).toBeUndefined();
  });

  test('both behaviors send the security headers: HSTS, no sniffing, no framing, same-origin referrers, the CSP', () => {
    const policy = only('AWS::CloudFront::ResponseHeadersPolicy');
    const config = distributionConfig();
    for (const behavior of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policy.id });
    const headers = (policy.props.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, unknown> }).SecurityHeadersConfig;
    expect(headers).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'same-origin', Override: true },
      ContentSecurityPolicy: { Override: true },
    });
  });

  test("the CSP: scripts from the console's origin only, no inline script; inline styles (emotion); the API same-origin; the issuer's paths", () => {
    expect(cspOf(synth.template)).toEqual({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      // No hosted sign-in domain in this stack: see the standalone test below for one.
      'connect-src': ["'self'", `${issuer()}/`],
      'object-src': ["'none'"],
      'base-uri': ["'self'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
    });
  });
});

describe('deployment of the files', () => {
  interface Deployment {
    id: string;
    props: { Prune: boolean; Include?: string[]; Exclude?: string[]; SystemMetadata: Record<string, string>; SourceObjectKeys: string[]; SourceMarkers?: Array<Record<string, unknown>> };
    dependsOn: string[];
  }
  function deployments(): Deployment[] {
    const found = synth.template.findResources('Custom::CDKBucketDeployment') as Record<string, { Properties: Deployment['props']; DependsOn?: string[] }>;
    return Object.entries(found).map(([id, r]) => ({ id, props: r.Properties, dependsOn: r.DependsOn ?? [] }));
  }
  const hashed = () => deployments().find((d) => d.props.Include?.includes('assets/*'))!;
  const entry = () => deployments().find((d) => d.props.Exclude?.includes('assets/*'))!;

  test('two deployments into the console bucket: the hashed files under assets/, and everything else', () => {
    expect(deployments()).toHaveLength(2);
    for (const deployment of deployments()) {
      expect(JSON.stringify(deployment.props)).toContain(JSON.stringify({ Ref: logicalIdOf(synth.stack.adminConsole.bucket) }));
    }
    expect(hashed().props).toMatchObject({ Exclude: ['*'], Include: ['assets/*'] });
    expect(entry().props).toMatchObject({ Exclude: ['assets/*'] });
    expect(entry().props.Include).toBeUndefined();
  });

  test('hashed files are cached for a year, immutable, and never pruned (an open tab of the last release still loads its chunks)', () => {
    expect(hashed().props).toMatchObject({ Prune: false, SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' } });
  });

  test('index.html and config.json are revalidated on every load; files gone from the build are pruned; they go after the hashed files', () => {
    expect(entry().props).toMatchObject({ Prune: true, SystemMetadata: { 'cache-control': 'no-cache' } });
    expect(entry().dependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^AdminConsoleDeployHashedAssets/)]));
  });

  test('config.json holds the same-origin API URL, the issuer, the app client id and the redirect paths', () => {
    const { SourceObjectKeys: keys, SourceMarkers: markers } = entry().props;
    expect(keys).toHaveLength(2);
    const assetDir = path.join(synth.assemblyDir, `asset.${keys[1]!.replace(/\.zip$/, '')}`);
    let text = fs.readFileSync(path.join(assetDir, 'config.json'), 'utf8');
    for (const [marker, value] of Object.entries(markers![1]!)) text = text.split(marker).join(rendered(value));
    expect(JSON.parse(text)).toEqual({
      apiUrl: `${consoleUrl()}/admin/v1`,
      auth: {
        mode: 'cognito',
        authority: issuer(),
        clientId: `\${${logicalIdOf(synth.stack.identity.userPoolClient)}}`,
        redirectPath: '/auth/callback',
        logoutPath: '/',
      },
    });
  });

  test("CDK's deployment function logs to the console's log group, kept as long as the stack's other logs", () => {
    const logGroups = Object.keys(resourcesOf(synth.template, 'AWS::Logs::LogGroup')).filter((id) => id.startsWith('AdminConsole'));
    expect(logGroups).toHaveLength(1);
    expect(resourcesOf(synth.template, 'AWS::Logs::LogGroup')[logGroups[0]!]!.Properties.RetentionInDays).toBe(TEST_LOG_RETENTION);
    const fn = Object.entries(resourcesOf(synth.template, 'AWS::Lambda::Function')).find(([id]) => isCdkDeploymentFunction(id))!;
    expect(fn[1].Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logGroups[0] } });
  });
});

describe('sign-in and the API', () => {
  test("the app client accepts the console's callback and sign-out URLs besides the configured ones", () => {
    const client = resourcesOf(synth.template, 'AWS::Cognito::UserPoolClient')[logicalIdOf(synth.stack.identity.userPoolClient)]!.Properties;
    expect((client.CallbackURLs as unknown[]).map(rendered)).toEqual(['http://localhost:5173/auth/callback', `${consoleUrl()}/auth/callback`]);
    expect((client.LogoutURLs as unknown[]).map(rendered)).toEqual(['http://localhost:5173/', `${consoleUrl()}/`]);
  });

  test('the console calls its API on its own origin, so the CORS allowlist stays the configured frontends (none needed for the console)', () => {
    const api = only('AWS::ApiGatewayV2::Api').props as { CorsConfiguration: { AllowOrigins: string[] } };
    expect(api.CorsConfiguration.AllowOrigins).toEqual(TEST_ORIGINS);
  });

  test('the stack outputs the console URL', () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(rendered(outputs.ConsoleUrl!.Value)).toBe(consoleUrl());
  });
});

describe('dependencies', () => {
  type Resources = Record<string, { Properties?: unknown; DependsOn?: string | string[] }>;

  /** What each resource refers to (Ref, Fn::GetAtt, Fn::Sub) or depends on. */
  function dependencies(resources: Resources): Map<string, Set<string>> {
    const collect = (value: unknown, into: Set<string>): void => {
      if (Array.isArray(value)) value.forEach((item) => collect(item, into));
      else if (value && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          if (key === 'Ref' && typeof inner === 'string') into.add(inner);
          else if (key === 'Fn::GetAtt') into.add(Array.isArray(inner) ? String(inner[0]) : String(inner).split('.')[0]!);
          else if (key === 'Fn::Sub') {
            const [text, variables] = Array.isArray(inner) ? (inner as [string, unknown]) : [inner as string, undefined];
            for (const [, name] of text.matchAll(/\$\{([^}!]+)\}/g)) into.add(name!.split('.')[0]!);
            collect(variables, into);
          } else collect(inner, into);
        }
      }
    };
    const graph = new Map<string, Set<string>>();
    for (const [id, resource] of Object.entries(resources)) {
      const refs = new Set<string>([resource.DependsOn ?? []].flat());
      collect(resource.Properties, refs);
      graph.set(id, new Set([...refs].filter((ref) => ref in resources)));
    }
    return graph;
  }

  /** A dependency cycle as the ids along it, or undefined. */
  function cycleIn(resources: Resources): string[] | undefined {
    const graph = dependencies(resources);
    const state = new Map<string, 'open' | 'done'>();
    const visit = (id: string, trail: string[]): string[] | undefined => {
      state.set(id, 'open');
      for (const next of graph.get(id) ?? []) {
        if (state.get(next) === 'open') return [...trail.slice(trail.indexOf(next)), next];
        if (!state.has(next)) {
          const found = visit(next, [...trail, next]);
          if (found) return found;
        }
      }
      state.set(id, 'done');
      return undefined;
    };
    for (const id of graph.keys()) {
      if (state.has(id)) continue;
      const found = visit(id, [id]);
      if (found) return found;
    }
    return undefined;
  }

  test('the finder sees a cycle when there is one', () => {
    expect(cycleIn({ A: { Properties: { X: { Ref: 'B' } } }, B: { Properties: { Y: { 'Fn::GetAtt': ['A', 'Arn'] } } } })).toEqual(['A', 'B', 'A']);
    expect(cycleIn({ A: { Properties: { X: { 'Fn::Sub': '${B.Arn}' } } }, B: { DependsOn: 'A' } })).toEqual(['A', 'B', 'A']);
    expect(cycleIn({ A: { Properties: { X: { Ref: 'B' } } }, B: {} })).toBeUndefined();
  });

  test('the template has no dependency cycle (CloudFormation refuses one; `cdk synth` does not look)', () => {
    expect(cycleIn(synth.template.toJSON().Resources as Resources)).toBeUndefined();
  });

  test('the distribution needs the API and the user pool but nothing that needs the distribution (client, functions, API routes)', () => {
    const graph = dependencies(synth.template.toJSON().Resources as Resources);
    const reached = new Set<string>();
    const walk = (id: string) => graph.get(id)?.forEach((next) => !reached.has(next) && (reached.add(next), walk(next)));
    walk(logicalIdOf(synth.stack.adminConsole.distribution));
    expect(reached).toContain(logicalIdOf(synth.stack.adminApi.httpApi));
    expect(reached).toContain(logicalIdOf(synth.stack.identity.userPool));
    expect(reached).not.toContain(logicalIdOf(synth.stack.identity.userPoolClient));
    expect([...reached].filter((id) => resourcesOf(synth.template, 'AWS::Lambda::Function')[id])).toEqual([]);
  });
});

describe('with a hosted sign-in domain (standalone)', () => {
  let app: App;
  afterAll(() => fs.rmSync(app.outdir, { recursive: true, force: true }));

  test('config.json names the domain and the CSP lets the console reach it (token, userInfo, revoke)', () => {
    app = new App();
    const stack = new Stack(app, 'ConsoleWithDomain', { env: { account: '123456789012', region: 'eu-west-1' } });
    const identity = new StaffIdentity(stack, 'Identity', { domainPrefix: 'acme-backoffice' });
    const adminConsole = new AdminConsole(stack, 'Console', {
      assetDir: consoleBuildStub(),
      adminApi: new HttpApi(stack, 'Api'),
      issuerUrl: identity.issuerUrl,
      clientId: identity.userPoolClient.userPoolClientId,
      signInDomainUrl: identity.domain!.baseUrl(),
    });
    const domainId = logicalIdOf(identity.domain!);
    const domainUrl = `https://\${${domainId}}.auth.eu-west-1.amazoncognito.com`;
    expect(rendered(stack.resolve(adminConsole.config.auth.domain))).toBe(domainUrl);
    expect(cspOf(Template.fromStack(stack))['connect-src']).toEqual(["'self'", `https://cognito-idp.eu-west-1.amazonaws.com/\${${logicalIdOf(identity.userPool)}}/`, domainUrl]);
  });
});
