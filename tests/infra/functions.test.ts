import * as fs from 'node:fs';
import * as path from 'node:path';
import { routes } from '../../functions/routes';
import { MODULES, type ModuleName } from '../../functions/shared/http/route';
import { MODULE_TABLE_ACCESS } from '../../lib/constructs/modules';
import type { ModuleFunction } from '../../lib/constructs/module-function';
import { isCdkDeploymentFunction, logicalIdOf, resourcesOf, disposeBackoffice, synthBackoffice, TEST_LOG_RETENTION, TEST_ORIGINS, type SynthesizedBackoffice } from './synth-stack';

let synth: SynthesizedBackoffice;
beforeAll(() => {
  synth = synthBackoffice();
});
afterAll(() => disposeBackoffice(synth));

type Statement = { Action: string | string[]; Effect: string; Resource: unknown };

/** Names known when tests are collected; functions are looked up after synthesis. */
const FUNCTION_NAMES: readonly string[] = [...MODULES, 'partner-authorizer'];

function functionNamed(name: string): ModuleFunction {
  return name === 'partner-authorizer' ? synth.stack.modules.partnerAuthorizer : synth.stack.modules.functions[name as ModuleName];
}

function functionProps(fn: ModuleFunction): Record<string, unknown> {
  const resource = resourcesOf(synth.template, 'AWS::Lambda::Function')[logicalIdOf(fn)];
  if (!resource) throw new Error(`no function for ${fn.node.path}`);
  return resource.Properties;
}

/** Every statement of the policies attached to the function's execution role. */
function statementsOf(fn: ModuleFunction): Statement[] {
  const roleId = logicalIdOf(fn.executionRole);
  return Object.values(resourcesOf(synth.template, 'AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref === roleId))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

function bundleOf(fn: ModuleFunction): string {
  const metadata = resourcesOf(synth.template, 'AWS::Lambda::Function')[logicalIdOf(fn)]?.Metadata ?? {};
  return fs.readFileSync(path.join(synth.assemblyDir, String(metadata['aws:asset:path']), 'index.js'), 'utf8');
}

function actionsOf(fn: ModuleFunction): string[] {
  return statementsOf(fn).flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]));
}

const tableArn = () => ({ 'Fn::GetAtt': [logicalIdOf(synth.stack.data.table), 'Arn'] });

test('one function per module of MODULES, plus the partner authorizer, the stream consumers (audit, directory sync, usage-plan sync, metrics, approval starter, export worker, partner events), the webhook delivery worker and the approvals workflow', () => {
  const own = Object.keys(resourcesOf(synth.template, 'AWS::Lambda::Function')).filter((id) => !isCdkDeploymentFunction(id));
  expect(own).toHaveLength(MODULES.length + 10);
});

test("besides them, only CDK's BucketDeployment function (one for both console deployments)", () => {
  const cdkOwned = Object.keys(resourcesOf(synth.template, 'AWS::Lambda::Function')).filter(isCdkDeploymentFunction);
  expect(cdkOwned).toHaveLength(1);
});

describe.each(MODULES.map((module) => [module]))('the %s module function', (module) => {
  test('bundles functions/<module>/handler.ts (its routes are in the bundle) and serves as the module', () => {
    const fn = synth.stack.modules.functions[module as ModuleName];
    expect(functionProps(fn)).toMatchObject({
      Handler: 'index.handler',
      Environment: { Variables: { POWERTOOLS_SERVICE_NAME: module } },
    });
    const code = bundleOf(fn);
    for (const route of routes.filter((r) => r.module === module)) expect(code).toContain(route.operationId);
  });

  test('gets the table name, CORS origins and the cursor key (as a Secrets Manager dynamic reference)', () => {
    const variables = (functionProps(synth.stack.modules.functions[module as ModuleName]).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.TABLE_NAME).toEqual({ Ref: logicalIdOf(synth.stack.data.table) });
    expect(variables.ALLOWED_ORIGINS).toBe(TEST_ORIGINS.join(','));
    expect(variables.CURSOR_SIGNING_KEY).toEqual({
      'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: logicalIdOf(synth.stack.modules.cursorSigningKey) }, ':SecretString:::}}']],
    });
  });
});

describe.each(FUNCTION_NAMES.map((name) => [name]))('Lambda defaults of %s', (name) => {
  let fn: ModuleFunction;
  beforeAll(() => {
    fn = functionNamed(name);
  });

  test('Node.js 22 on arm64 with active X-Ray tracing', () => {
    expect(functionProps(fn)).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
  });

  test('memory and timeout set explicitly', () => {
    const props = functionProps(fn);
    expect(props.MemorySize).toBe(1024);
    expect(props.Timeout).toBeLessThanOrEqual(10);
  });

  test('source maps enabled, Powertools log level set', () => {
    expect(functionProps(fn)).toMatchObject({
      Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_LOG_LEVEL: 'INFO' } },
    });
  });

  test('logs to its own log group with the configured retention', () => {
    const logGroupId = logicalIdOf(fn.functionLogGroup);
    expect(functionProps(fn)).toMatchObject({ LoggingConfig: { LogGroup: { Ref: logGroupId } } });
    expect(resourcesOf(synth.template, 'AWS::Logs::LogGroup')[logGroupId]?.Properties.RetentionInDays).toBe(TEST_LOG_RETENTION);
  });

  test('the bundle is minified esbuild output with a source map', () => {
    const metadata = resourcesOf(synth.template, 'AWS::Lambda::Function')[logicalIdOf(fn)]?.Metadata ?? {};
    const assetDir = path.join(synth.assemblyDir, String(metadata['aws:asset:path']));
    const code = bundleOf(fn);
    expect(fs.existsSync(path.join(assetDir, 'index.js.map'))).toBe(true);
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.js\.map\s*$/);
    // Minified: few, long lines.
    expect(code.split('\n').length).toBeLessThan(200);
  });

  test('its role has no AWS managed policy and writes only to its own log group', () => {
    const role = resourcesOf(synth.template, 'AWS::IAM::Role')[logicalIdOf(fn.executionRole)];
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    const logStatements = statementsOf(fn).filter((s) => JSON.stringify(s.Action).includes('logs:'));
    expect(logStatements).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalIdOf(fn.functionLogGroup), 'Arn'] } },
    ]);
  });

  test('no Scan and no wildcard DynamoDB actions; DynamoDB grants name the table or its indexes', () => {
    const actions = actionsOf(fn);
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    for (const statement of statementsOf(fn).filter((s) => JSON.stringify(s.Action).includes('dynamodb:'))) {
      expect(JSON.stringify(statement.Resource)).not.toMatch(/"\*"|\/\*/);
    }
  });
});

describe('least privilege on the table', () => {
  const WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

  test('the partner authorizer may only GetItem on the table, and UpdateItem on its request counters', () => {
    const dynamo = statementsOf(synth.stack.modules.partnerAuthorizer).filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(dynamo).toEqual([
      { Action: 'dynamodb:GetItem', Effect: 'Allow', Resource: tableArn() },
      {
        Action: 'dynamodb:UpdateItem',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USAGE#*'] } },
        Effect: 'Allow',
        Resource: tableArn(),
      },
    ]);
    for (const write of WRITES.filter((action) => action !== 'dynamodb:UpdateItem')) {
      expect(actionsOf(synth.stack.modules.partnerAuthorizer)).not.toContain(write);
    }
  });

  test.each(MODULES.filter((m) => MODULE_TABLE_ACCESS[m] === 'getItem').map((m) => [m]))('%s may only GetItem on the table', (module) => {
    const fn = synth.stack.modules.functions[module as ModuleName];
    // The audit module's read access to the audit table is asserted in audit.test.ts.
    const auditId = logicalIdOf(synth.stack.data.auditTable);
    const dynamo = statementsOf(fn).filter((s) => JSON.stringify(s.Action).includes('dynamodb:') && !JSON.stringify(s.Resource).includes(auditId));
    expect(dynamo).toEqual([{ Action: 'dynamodb:GetItem', Effect: 'Allow', Resource: tableArn() }]);
  });

  test.each(MODULES.filter((m) => MODULE_TABLE_ACCESS[m] === 'readWrite').map((m) => [m]))(
    '%s reads and writes items and queries the GSIs',
    (module) => {
      const fn = synth.stack.modules.functions[module as ModuleName];
      const actions = actionsOf(fn);
      for (const action of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', ...WRITES]) expect(actions).toContain(action);
      const indexStatement = statementsOf(fn).find((s) => s.Action === 'dynamodb:Query');
      expect(indexStatement?.Resource).toEqual(
        synth.stack.data.tableIndexNames.map((name) => ({ 'Fn::Join': ['', [tableArn(), `/index/${name}`]] })),
      );
    },
  );

  test.each(MODULES.filter((m) => MODULE_TABLE_ACCESS[m] === 'read').map((m) => [m]))('%s reads items and queries the GSIs, and writes nothing', (module) => {
    const actions = actionsOf(synth.stack.modules.functions[module as ModuleName]);
    for (const action of ['dynamodb:GetItem', 'dynamodb:Query']) expect(actions).toContain(action);
    for (const write of WRITES) expect(actions).not.toContain(write);
  });

  test('iam, catalog, approvals and the commerce modules have read/write access, analytics read access, docs, audit and the authorizer GetItem only', () => {
    expect(MODULE_TABLE_ACCESS).toEqual({
      docs: 'getItem',
      iam: 'readWrite',
      catalog: 'readWrite',
      audit: 'getItem',
      approvals: 'readWrite',
      orders: 'readWrite',
      finance: 'readWrite',
      logistics: 'readWrite',
      exports: 'readWrite',
      analytics: 'read',
      support: 'readWrite',
      content: 'readWrite',
      webhooks: 'readWrite',
    });
  });

  test('no function but the audit module (read only, see audit.test.ts) can touch the audit table', () => {
    const auditId = logicalIdOf(synth.stack.data.auditTable);
    for (const name of FUNCTION_NAMES.filter((n) => n !== 'audit')) expect(JSON.stringify(statementsOf(functionNamed(name)))).not.toContain(auditId);
  });
});
