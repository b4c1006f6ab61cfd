import * as fs from 'node:fs';
import * as path from 'node:path';
import { OPENAPI_FILES } from '../../functions/docs/files';
import { routes } from '../../functions/routes';
import { fullPath, routeKey, type ModuleName } from '../../functions/shared/http/route';
import { logicalIdOf, resourcesOf, disposeBackoffice, synthBackoffice, type SynthesizedBackoffice } from './synth-stack';

/**
 * Every route of the route table exists explicitly in the right API, integrated with its module's
 * function and guarded by that API's authorizer; nothing else exists (no catch-all). Expectations
 * are generated from `routes`, so a new route is covered without touching this file.
 */
let synth: SynthesizedBackoffice;
beforeAll(() => {
  synth = synthBackoffice();
});
afterAll(() => disposeBackoffice(synth));

const adminRoutes = routes.filter((route) => route.api === 'admin');
const partnerRoutes = routes.filter((route) => route.api === 'partner');

type Ref = { Ref: string };
type GetAtt = { 'Fn::GetAtt': [string, string] };
type Join = { 'Fn::Join': [string, unknown[]] };

function functionIdOf(module: ModuleName): string {
  return logicalIdOf(synth.stack.modules.functions[module]);
}

/** The Lambda function (logical id) an HTTP API route's integration invokes. */
function httpRouteTargetFunction(routeProps: Record<string, unknown>): string {
  const target = routeProps.Target as Join;
  const integrationId = (target['Fn::Join'][1][1] as Ref).Ref;
  const integration = resourcesOf(synth.template, 'AWS::ApiGatewayV2::Integration')[integrationId];
  if (!integration) throw new Error(`no integration ${integrationId}`);
  expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
  return (integration.Properties.IntegrationUri as GetAtt)['Fn::GetAtt'][0];
}

/** Full path of each REST API resource, by logical id (rebuilt from ParentId/PathPart). */
function restResourcePaths(): Map<string, string> {
  const resources = resourcesOf(synth.template, 'AWS::ApiGateway::Resource');
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known) return known;
    const resource = resources[id];
    if (!resource) throw new Error(`no resource ${id}`);
    const parent = resource.Properties.ParentId as Ref | GetAtt;
    const parentPath = 'Ref' in parent ? pathOf(parent.Ref) : '';
    const full = `${parentPath}/${String(resource.Properties.PathPart)}`;
    paths.set(id, full);
    return full;
  };
  for (const id of Object.keys(resources)) pathOf(id);
  return paths;
}

describe('admin API (HTTP API)', () => {
  test('the route table has admin routes (guards the generated tests)', () => {
    expect(adminRoutes.length).toBeGreaterThan(0);
  });

  test('declares exactly the admin routes of the route table: no catch-all, no partner route', () => {
    const keys = Object.values(resourcesOf(synth.template, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);
    expect([...keys].sort()).toEqual(adminRoutes.map(routeKey).sort());
    for (const key of keys) {
      expect(key).not.toBe('$default');
      expect(String(key)).not.toMatch(/\{proxy\+\}|^ANY /);
    }
  });

  test.each(adminRoutes.map((route) => [routeKey(route), route] as const))(
    '%s uses the JWT authorizer and its module function',
    (key, route) => {
      // Plain JSON: resolve() returns objects whose prototype jest's toMatchObject does not accept.
      const authorizerRef = JSON.parse(JSON.stringify(synth.stack.resolve(synth.stack.adminApi.authorizer.authorizerId))) as Ref;
      const found = Object.values(resourcesOf(synth.template, 'AWS::ApiGatewayV2::Route')).filter((r) => r.Properties.RouteKey === key);
      expect(found).toHaveLength(1);
      const [props] = found.map((r) => r.Properties);
      expect(props).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: authorizerRef });
      expect(httpRouteTargetFunction(props as Record<string, unknown>)).toBe(functionIdOf(route.module));
    },
  );

  test('the JWT authorizer trusts the staff user pool and its app client', () => {
    const authorizers = Object.values(resourcesOf(synth.template, 'AWS::ApiGatewayV2::Authorizer'));
    expect(authorizers).toHaveLength(1);
    const [authorizer] = authorizers;
    expect(authorizer?.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: logicalIdOf(synth.stack.identity.userPoolClient) }],
        Issuer: {
          'Fn::Join': ['', ['https://cognito-idp.eu-west-1.amazonaws.com/', { Ref: logicalIdOf(synth.stack.identity.userPool) }]],
        },
      },
    });
  });
});

describe('partner API (REST API)', () => {
  test('the route table has partner routes (guards the generated tests)', () => {
    expect(partnerRoutes.length).toBeGreaterThan(0);
  });

  test('declares exactly the partner routes of the route table: no proxy resource, no ANY method', () => {
    const paths = restResourcePaths();
    const methods = Object.values(resourcesOf(synth.template, 'AWS::ApiGateway::Method')).map(
      (m) => `${String(m.Properties.HttpMethod)} ${paths.get((m.Properties.ResourceId as Ref).Ref) ?? '?'}`,
    );
    expect(methods.sort()).toEqual(partnerRoutes.map(routeKey).sort());
    for (const path of paths.values()) expect(path).not.toMatch(/\{proxy\+\}/);
  });

  test.each(partnerRoutes.map((route) => [routeKey(route), route] as const))(
    '%s requires the API-key authorizer and a usage-plan key, and invokes its module function',
    (_key, route) => {
      const paths = restResourcePaths();
      const authorizerId = logicalIdOf(synth.stack.partnerApi.authorizer);
      const found = Object.values(resourcesOf(synth.template, 'AWS::ApiGateway::Method')).filter(
        (m) => m.Properties.HttpMethod === route.method && paths.get((m.Properties.ResourceId as Ref).Ref) === fullPath(route),
      );
      expect(found).toHaveLength(1);
      const [method] = found;
      expect(method?.Properties).toMatchObject({
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: authorizerId },
        ApiKeyRequired: true,
        OperationName: route.operationId,
        RequestValidatorId: { Ref: logicalIdOf(synth.stack.partnerApi.requestValidator) },
        Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' },
      });
      const uri = JSON.stringify(method?.Properties.Integration);
      expect(uri).toContain(JSON.stringify({ 'Fn::GetAtt': [functionIdOf(route.module), 'Arn'] }));
    },
  );

  test('the authorizer is a REQUEST authorizer on x-api-key with no result caching', () => {
    const authorizers = Object.values(resourcesOf(synth.template, 'AWS::ApiGateway::Authorizer'));
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]?.Properties).toMatchObject({
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.x-api-key',
      AuthorizerResultTtlInSeconds: 0,
    });
    expect(JSON.stringify(authorizers[0]?.Properties.AuthorizerUri)).toContain(
      JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(synth.stack.modules.partnerAuthorizer), 'Arn'] }),
    );
  });

  test('API keys come from the authorizer (usageIdentifierKey)', () => {
    synth.template.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
  });
});

test('the docs function ships both OpenAPI documents beside its bundle, not inside it', () => {
  const fn = synth.stack.modules.functions.docs;
  const metadata = resourcesOf(synth.template, 'AWS::Lambda::Function')[logicalIdOf(fn)]!.Metadata!;
  const assetDir = path.join(synth.assemblyDir, String(metadata['aws:asset:path']));
  for (const file of Object.values(OPENAPI_FILES)) {
    expect(fs.readFileSync(path.join(assetDir, file), 'utf8')).toBe(fs.readFileSync(path.join(__dirname, '..', '..', 'docs', file), 'utf8'));
  }
  // A route summary of another module appears in the documents only, not in the docs function's code.
  const description = 'The calling staff member with their roles and effective permissions';
  expect(fs.readFileSync(path.join(assetDir, OPENAPI_FILES.admin), 'utf8')).toContain(description);
  expect(fs.readFileSync(path.join(assetDir, 'index.js'), 'utf8')).not.toContain(description);
});
