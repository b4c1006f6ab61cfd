import { disposeBackoffice, logicalIdOf, resourcesOf, synthBackoffice, type SynthesizedBackoffice } from './synth-stack';

/** Staff → Cognito and partners → usage plans follow the table's stream (AWS only). */
let synth: SynthesizedBackoffice;
beforeAll(() => {
  synth = synthBackoffice();
});
afterAll(() => disposeBackoffice(synth));

function mappingOf(functionLogicalId: string) {
  const mappings = Object.values(resourcesOf(synth.template, 'AWS::Lambda::EventSourceMapping')).filter(
    (m) => JSON.stringify(m.Properties.FunctionName).includes(functionLogicalId),
  );
  expect(mappings).toHaveLength(1);
  return mappings[0]!.Properties;
}

test.each([
  ['directory sync', 'staff', () => synth.stack.identitySync.directorySync],
  ['usage-plan sync', 'partner', () => synth.stack.identitySync.usagePlanSync],
])('the %s consumer sees only %s records, with bounded retries, bisect and an on-failure queue', (_name, entityType, fn) => {
  const mapping = mappingOf(logicalIdOf(fn()));
  expect(mapping).toMatchObject({
    BisectBatchOnFunctionError: true,
    MaximumRetryAttempts: 10,
    FunctionResponseTypes: ['ReportBatchItemFailures'],
    DestinationConfig: { OnFailure: { Destination: expect.anything() } },
  });
  const patterns = (mapping.FilterCriteria as { Filters: { Pattern: string }[] }).Filters.map((f) => JSON.parse(f.Pattern));
  expect(patterns).toEqual([
    { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { entityType: { S: [entityType] } } } },
    { eventName: ['REMOVE'], dynamodb: { OldImage: { entityType: { S: [entityType] } } } },
  ]);
});

function statementsOf(fnLogicalIdPrefix: string) {
  return Object.entries(resourcesOf(synth.template, 'AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith(fnLogicalIdPrefix))
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement);
}

test('the directory sync may only administer users of the staff pool', () => {
  const actions = statementsOf('IdentitySyncDirectorySyncFunctionRole').flatMap((s) => [s.Action].flat());
  expect(actions.filter((a) => a.startsWith('cognito-idp:')).sort()).toEqual([
    'cognito-idp:AdminCreateUser',
    'cognito-idp:AdminDisableUser',
    'cognito-idp:AdminEnableUser',
    'cognito-idp:AdminUpdateUserAttributes',
    'cognito-idp:AdminUserGlobalSignOut',
  ]);
  expect(actions).not.toContain('dynamodb:PutItem');
});

test('the usage-plan sync reads and stamps partners, and manages API keys and usage plans only', () => {
  const actions = statementsOf('IdentitySyncUsagePlanSyncFunctionRole').flatMap((s) => [s.Action].flat());
  expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'apigateway:POST', 'apigateway:PATCH']));
  expect(actions).not.toContain('dynamodb:PutItem');
  expect(actions).not.toContain('dynamodb:DeleteItem');
});
