import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { directoryActions, handler } from '../../functions/iam/directory-sync';
import { lambdaContext } from '../support/lambda-events';
import { streamRecord } from '../support/stream-records';

const cognito = mockClient(CognitoIdentityProviderClient);
const staff = { entityType: 'staff', id: '01J00000000000000000000001', email: 'a@example.com', status: 'active', roles: [] };

beforeAll(() => {
  process.env.USER_POOL_ID = 'eu-west-1_pool';
});
beforeEach(() => cognito.reset());

it('derives directory actions from staff changes only', () => {
  expect(directoryActions(streamRecord(undefined, staff))).toEqual([{ op: 'create', username: staff.id, email: staff.email }]);
  expect(directoryActions(streamRecord(staff, { ...staff, status: 'disabled' }))).toEqual([{ op: 'disable', username: staff.id }]);
  expect(directoryActions(streamRecord({ ...staff, status: 'disabled' }, staff))).toEqual([{ op: 'enable', username: staff.id }]);
  expect(directoryActions(streamRecord(staff, { ...staff, email: 'b@example.com' }))).toEqual([{ op: 'email', username: staff.id, email: 'b@example.com' }]);
  expect(directoryActions(streamRecord(staff, { ...staff, roles: ['admin'] }))).toEqual([]);
  expect(directoryActions(streamRecord(undefined, { entityType: 'product', id: 'x' }))).toEqual([]);
});

it('creates the Cognito user with the staff id as username, and treats a redelivery as done', async () => {
  cognito.on(AdminCreateUserCommand).resolvesOnce({}).rejectsOnce(new UsernameExistsException({ message: 'exists', $metadata: {} }));
  const event = { Records: [streamRecord(undefined, staff, 'e1'), streamRecord(undefined, staff, 'e1-again')] };
  await expect(handler(event, lambdaContext())).resolves.toEqual({ batchItemFailures: [] });
  expect(cognito.commandCalls(AdminCreateUserCommand)[0]!.args[0].input).toMatchObject({ UserPoolId: 'eu-west-1_pool', Username: staff.id });
});

it('disables and signs out a disabled member; reports a failing record for retry', async () => {
  cognito.on(AdminDisableUserCommand).resolves({}).on(AdminUserGlobalSignOutCommand).resolves({});
  const ok = await handler({ Records: [streamRecord(staff, { ...staff, status: 'disabled' }, 'd1')] }, lambdaContext());
  expect(ok.batchItemFailures).toEqual([]);
  expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)).toHaveLength(1);

  cognito.reset();
  cognito.on(AdminEnableUserCommand).resolves({}).on(AdminDisableUserCommand).rejects(new Error('throttled'));
  const other = { ...staff, id: '01J00000000000000000000002' };
  const failing = { ...streamRecord(staff, { ...staff, status: 'disabled' }, 'd2'), dynamodb: { ...streamRecord(staff, { ...staff, status: 'disabled' }).dynamodb, SequenceNumber: '7' } };
  const failed = await handler({ Records: [streamRecord({ ...other, status: 'disabled' }, other, 'e2'), failing] }, lambdaContext());
  expect(failed.batchItemFailures).toEqual([{ itemIdentifier: '7' }]);
});
