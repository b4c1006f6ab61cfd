import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { StaffIdentity } from '../../lib/constructs/identity';
import { disposeBackoffice, synthBackoffice, type SynthesizedBackoffice } from './synth-stack';

let synth: SynthesizedBackoffice;
beforeAll(() => {
  synth = synthBackoffice();
});
afterAll(() => disposeBackoffice(synth));

function userPool(): Record<string, unknown> {
  const pools = Object.values(synth.template.findResources('AWS::Cognito::UserPool')) as Array<{ Properties: Record<string, unknown>; DeletionPolicy?: string }>;
  expect(pools).toHaveLength(1);
  return pools[0]?.Properties ?? {};
}

function client(): Record<string, unknown> {
  const clients = Object.values(synth.template.findResources('AWS::Cognito::UserPoolClient')) as Array<{ Properties: Record<string, unknown> }>;
  expect(clients).toHaveLength(1);
  return clients[0]?.Properties ?? {};
}

test('only administrators create users (no self sign-up)', () => {
  expect(userPool()).toMatchObject({ AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
});

test('staff sign in with their e-mail; the username stays the staff id', () => {
  expect(userPool()).toMatchObject({ AliasAttributes: ['email'], UsernameConfiguration: { CaseSensitive: false } });
  expect(userPool().UsernameAttributes).toBeUndefined();
});

test('strong password policy', () => {
  const policy = (userPool().Policies as { PasswordPolicy: Record<string, unknown> }).PasswordPolicy;
  expect(policy).toMatchObject({ RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true });
  expect(policy.MinimumLength).toBeGreaterThanOrEqual(12);
});

test('MFA is required, with authenticator apps (TOTP) only', () => {
  expect(userPool()).toMatchObject({ MfaConfiguration: 'ON', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
});

test('threat protection enforced on the Plus plan', () => {
  expect(userPool()).toMatchObject({ UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } });
});

test('the user pool is protected from deletion and retained', () => {
  expect(userPool()).toMatchObject({ DeletionProtection: 'ACTIVE' });
  const [pool] = Object.values(synth.template.findResources('AWS::Cognito::UserPool')) as Array<{ DeletionPolicy?: string }>;
  expect(pool?.DeletionPolicy).toBe('Retain');
});

test('the admin frontend client is public and uses the authorization code grant (PKCE), nothing else', () => {
  expect(client()).toMatchObject({
    GenerateSecret: false,
    AllowedOAuthFlows: ['code'],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthScopes: ['openid', 'email', 'profile'],
    SupportedIdentityProviders: ['COGNITO'],
    ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    PreventUserExistenceErrors: 'ENABLED',
    EnableTokenRevocation: true,
  });
});

test('a hosted sign-in domain is created when a prefix is given', () => {
  const stack = new Stack(new App(), 'IdentityWithDomain');
  const identity = new StaffIdentity(stack, 'Identity', { domainPrefix: 'acme-backoffice' });
  expect(identity.domain).toBeDefined();
  Template.fromStack(stack).hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-backoffice' });
});

test('without a prefix there is no hosted domain', () => {
  synth.template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
});
