import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { AdminCreateUserCommand, CognitoIdentityProviderClient, UsernameExistsException } from '@aws-sdk/client-cognito-identity-provider';
import type { HttpProblem } from '../functions/shared/errors';
import { LocalSetupError } from '../local/errors';
import { parseOptionCommandLine } from './cli-options';

/**
 * `npm run bootstrap-admin -- --email admin@company.com [--name "…"] [--stack Backoffice] [--region eu-west-1]`:
 * the first admin of a fresh AWS deployment. Reads the stack's outputs (table, user pool), writes the
 * member through the iam module's own use case (refused once any admin exists), then creates their
 * Cognito user, which emails the invitation.
 */
export const USAGE = 'Usage: npm run bootstrap-admin -- --email <address> [--name <name>] [--stack Backoffice] [--region <region>]';
export const DEFAULT_STACK = 'Backoffice';
export const DEFAULT_NAME = 'First admin';

export interface BootstrapArgs {
  email: string;
  name: string;
  stack: string;
  region?: string;
}

/** The command line; undefined when help was asked for. */
export function parseBootstrapArgs(argv: readonly string[]): BootstrapArgs | undefined {
  const parsed = parseOptionCommandLine(argv, { options: ['email', 'name', 'stack', 'region'] }, USAGE);
  if (!parsed) return undefined;
  const { email, name, stack, region } = parsed.options;
  if (!email) throw new LocalSetupError(`--email is required. ${USAGE}`);
  return { email, name: name ?? DEFAULT_NAME, stack: stack ?? DEFAULT_STACK, ...(region ? { region } : {}) };
}

/** A refusal of the use case as one line: `Invalid --email: …`, or its detail. */
function explain(problem: HttpProblem): LocalSetupError {
  const fields = problem.extras.errors ?? [];
  if (fields.length === 0) return new LocalSetupError(problem.detail);
  return new LocalSetupError(fields.map((field) => `Invalid --${field.path.replace(/^options\./, '')}: ${field.message}`).join('; '));
}

async function stackOutputs(stack: string, region: string | undefined): Promise<{ tableName: string; userPoolId: string }> {
  const cloudFormation = new CloudFormationClient(region ? { region } : {});
  let outputs: Record<string, string>;
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stack }));
    outputs = Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
  } catch (error) {
    if ((error as { name?: string }).name === 'ValidationError') throw new LocalSetupError(`There is no stack ${stack}${region ? ` in ${region}` : ''}: deploy it first (npx cdk deploy) or name it with --stack`);
    throw error;
  } finally {
    cloudFormation.destroy();
  }
  const { TableName: tableName, UserPoolId: userPoolId } = outputs;
  if (!tableName || !userPoolId) throw new LocalSetupError(`Stack ${stack} has no TableName and UserPoolId outputs: is it a Backoffice stack?`);
  return { tableName, userPoolId };
}

export async function bootstrapAdmin(args: BootstrapArgs, log: (line: string) => void = console.log): Promise<{ staffId: string }> {
  if (args.region) process.env.AWS_REGION = args.region;
  // Handler code reads the table name from the environment: load it once that is set.
  const { bootstrapFirstAdmin, firstAdminInput } = await import('../functions/iam/bootstrap');
  const { newId } = await import('../functions/shared/ids');
  const { nowIso } = await import('../functions/shared/clock');
  const { HttpProblem } = await import('../functions/shared/errors');
  try {
    firstAdminInput(args); // a bad address is refused before any AWS call
    const { tableName, userPoolId } = await stackOutputs(args.stack, args.region);
    process.env.TABLE_NAME = tableName;
    const staff = await bootstrapFirstAdmin(args, { actor: 'system:bootstrap-admin', requestId: `bootstrap-${newId()}`, sourceIp: 'cli', at: nowIso() });
    log(`Created admin ${staff.email} (staff id ${staff.id}) in ${tableName}.`);

    const cognito = new CognitoIdentityProviderClient(args.region ? { region: args.region } : {});
    try {
      await cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username: staff.id,
          UserAttributes: [
            { Name: 'email', Value: staff.email },
            { Name: 'email_verified', Value: 'true' },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
    } catch (error) {
      // The directory sync (functions/iam/directory-sync.ts) follows the table and may have created it first.
      if (!(error instanceof UsernameExistsException)) throw error;
    } finally {
      cognito.destroy();
    }
    log(`Cognito user ${staff.id} in ${userPoolId}: the invitation with a temporary password goes to ${staff.email}.`);
    return { staffId: staff.id };
  } catch (error) {
    if (error instanceof HttpProblem) throw explain(error);
    throw error;
  }
}
