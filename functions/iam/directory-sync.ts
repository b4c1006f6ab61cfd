import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { requireEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { imagesOf } from '../shared/stream-images';

/**
 * AWS only: keeps the Cognito user pool in step with staff records (the table is the source of
 * truth). A new member gets a Cognito user whose username is the staff id (access tokens carry it as
 * `username`) and an invitation email; a disable disables the user and signs them out everywhere
 * (their requests are already refused, since authorization reads the status); an email change
 * updates the attribute. Every call is idempotent, so redelivered records are harmless.
 * Locally the table is the user directory: the local issuer reads staff records directly.
 */
export type DirectoryAction =
  | { op: 'create'; username: string; email: string }
  | { op: 'disable'; username: string }
  | { op: 'enable'; username: string }
  | { op: 'email'; username: string; email: string };

export function directoryActions(record: DynamoDBRecord): DirectoryAction[] {
  const { before, after } = imagesOf(record);
  if (!after || after.entityType !== 'staff') return [];
  const username = String(after.id);
  const actions: DirectoryAction[] = [];
  if (!before) {
    actions.push({ op: 'create', username, email: String(after.email) });
    if (after.status === 'disabled') actions.push({ op: 'disable', username });
    return actions;
  }
  if (before.email !== after.email) actions.push({ op: 'email', username, email: String(after.email) });
  if (before.status !== after.status) actions.push({ op: after.status === 'disabled' ? 'disable' : 'enable', username });
  return actions;
}

const cognito = new CognitoIdentityProviderClient({});
let userPoolId: string | undefined;

async function apply(action: DirectoryAction): Promise<void> {
  userPoolId ??= requireEnv('USER_POOL_ID');
  const base = { UserPoolId: userPoolId, Username: action.username };
  try {
    switch (action.op) {
      case 'create':
        await cognito.send(
          new AdminCreateUserCommand({
            ...base,
            UserAttributes: [
              { Name: 'email', Value: action.email },
              { Name: 'email_verified', Value: 'true' },
            ],
            DesiredDeliveryMediums: ['EMAIL'],
          }),
        );
        return;
      case 'disable':
        await cognito.send(new AdminDisableUserCommand(base));
        await cognito.send(new AdminUserGlobalSignOutCommand(base));
        return;
      case 'enable':
        await cognito.send(new AdminEnableUserCommand(base));
        return;
      case 'email':
        await cognito.send(
          new AdminUpdateUserAttributesCommand({
            ...base,
            UserAttributes: [
              { Name: 'email', Value: action.email },
              { Name: 'email_verified', Value: 'true' },
            ],
          }),
        );
        return;
    }
  } catch (error) {
    // Already there (a redelivered create) or already gone: nothing left to do.
    if (error instanceof UsernameExistsException && action.op === 'create') return;
    if (error instanceof UserNotFoundException && action.op !== 'create') return;
    throw error;
  }
}

export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return processPartialResponse(
    event,
    async (record: DynamoDBRecord) => {
      for (const action of directoryActions(record)) {
        await apply(action);
        logger.info('Directory updated', { op: action.op, staffId: action.username });
      }
    },
    processor,
    { context, processInParallel: false },
  );
};
