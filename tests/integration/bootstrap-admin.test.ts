import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { AdminCreateUserCommand, CognitoIdentityProviderClient, UsernameExistsException } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { newId } from '../../functions/shared/ids';
import { SINGLE_TABLE } from '../../functions/shared/schema/tables';
import { ensureTable, localDynamoClient } from '../../local/dynamodb';
import { LocalSetupError } from '../../local/errors';
import { bootstrapAdmin } from '../../scripts/admin-bootstrap';

/**
 * `npm run bootstrap-admin` against DynamoDB Local: the stack's outputs (CloudFormation) and the user
 * pool (Cognito) are mocked; the member is written through the iam module's use case for real.
 * Each test has a fresh table, so modules are reloaded (the table name is read once per process).
 */
const cloudFormation = mockClient(CloudFormationClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const USER_POOL_ID = 'eu-west-1_TEST';
const quiet = () => undefined;

const staffRepository = () => import('../../functions/iam/staff-repository');

/** A fresh table per test: the outputs of a freshly deployed stack. */
async function freshStack(): Promise<string> {
  const table = `Backoffice-bootstrap-${newId().slice(-10)}`;
  process.env.TABLE_NAME = table;
  const client = localDynamoClient(process.env.AWS_ENDPOINT_URL_DYNAMODB!);
  await ensureTable(client, SINGLE_TABLE, table);
  client.destroy();
  cloudFormation.on(DescribeStacksCommand, { StackName: 'Backoffice' }).resolves({
    Stacks: [
      {
        StackName: 'Backoffice',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: [
          { OutputKey: 'TableName', OutputValue: table },
          { OutputKey: 'UserPoolId', OutputValue: USER_POOL_ID },
        ],
      },
    ],
  });
  return table;
}

const run = (email: string) => bootstrapAdmin({ email, name: 'First Admin', stack: 'Backoffice' }, quiet);

beforeEach(() => {
  jest.resetModules();
  cloudFormation.reset();
  cognito.reset();
  cognito.on(AdminCreateUserCommand).resolves({});
});
afterAll(() => {
  process.env.TABLE_NAME = 'Backoffice-test';
});

it('creates the first admin once: the member (admin role) and their Cognito user with an email invitation', async () => {
  const table = await freshStack();
  const { staffId } = await run('First.Admin@Company.com');
  expect(process.env.TABLE_NAME).toBe(table);
  const { findStaff, findStaffIdByEmail } = await staffRepository();
  expect(await findStaff(staffId)).toMatchObject({ id: staffId, email: 'first.admin@company.com', roles: ['admin'], status: 'active', updatedBy: 'system:bootstrap-admin' });
  expect(await findStaffIdByEmail('first.admin@company.com')).toBe(staffId);
  expect(cognito.commandCalls(AdminCreateUserCommand).map((c) => c.args[0].input)).toEqual([
    {
      UserPoolId: USER_POOL_ID,
      Username: staffId,
      UserAttributes: [
        { Name: 'email', Value: 'first.admin@company.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    },
  ]);

  await expect(run('second@company.com')).rejects.toThrow(new LocalSetupError('An admin already exists (first.admin@company.com): add more staff through the admin API'));
  expect(cognito.commandCalls(AdminCreateUserCommand)).toHaveLength(1);
});

it('two bootstraps at once: the BOOTSTRAP#admin marker lets exactly one win', async () => {
  await freshStack();
  const results = await Promise.allSettled([run('one@company.com'), run('two@company.com')]);
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
  expect(refused.reason).toBeInstanceOf(LocalSetupError);
  expect((refused.reason as Error).message).toMatch(/^(The first admin was already created|An admin already exists)/);
  expect(cognito.commandCalls(AdminCreateUserCommand)).toHaveLength(1);
});

it('refuses when an admin exists that was created by other means (no marker)', async () => {
  await freshStack();
  const { findStaffIdByEmail, insertStaff } = await staffRepository();
  const at = new Date().toISOString();
  await insertStaff(
    { id: newId(), email: 'earlier@company.com', name: 'Earlier', roles: ['support', 'admin'], status: 'active', version: 1, createdAt: at },
    [],
    { actor: 'system:test', requestId: 'test', sourceIp: '127.0.0.1', at },
  );
  await expect(run('new@company.com')).rejects.toThrow('An admin already exists (earlier@company.com)');
  expect(await findStaffIdByEmail('new@company.com')).toBeUndefined();
  expect(cognito.commandCalls(AdminCreateUserCommand)).toHaveLength(0);
});

it('a Cognito user the directory sync created first is fine', async () => {
  await freshStack();
  cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'User account already exists', $metadata: {} }));
  await expect(run('synced@company.com')).resolves.toEqual({ staffId: expect.any(String) });
});

it('a bad email is one clear line, before any AWS call', async () => {
  await expect(run('not-an-email')).rejects.toThrow(new LocalSetupError('Invalid --email: Invalid email address'));
  expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
});

it('an unknown stack is one clear line', async () => {
  cloudFormation.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id Nope does not exist'), { name: 'ValidationError' }));
  await expect(bootstrapAdmin({ email: 'a@company.com', name: 'A', stack: 'Nope' }, quiet)).rejects.toThrow(
    'There is no stack Nope: deploy it first (npx cdk deploy) or name it with --stack',
  );
});
