import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  type CfnUserPoolClient,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** Properties of {@link StaffIdentity}. */
export interface StaffIdentityProps {
  /**
   * Where the admin frontends receive the authorization code (OAuth redirect URIs).
   * @default ['http://localhost:5173/auth/callback']
   */
  readonly callbackUrls?: readonly string[];
  /**
   * Where the frontends may send users after sign-out.
   * @default ['http://localhost:5173/']
   */
  readonly logoutUrls?: readonly string[];
  /**
   * Prefix of the Cognito-hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`),
   * needed for the authorization code flow. Must be unique in the region.
   * @default - no domain (add one, or a custom domain, before frontends can sign in)
   */
  readonly domainPrefix?: string;
  /**
   * Minimum password length (upper and lower case, digits and symbols are always required).
   * @default 14
   */
  readonly passwordMinLength?: number;
  /**
   * Lifetime of access and ID tokens (the admin API accepts access tokens).
   * @default Duration.hours(1)
   */
  readonly accessTokenValidity?: Duration;
  /**
   * Lifetime of refresh tokens: how long a staff session lasts without signing in again.
   * @default Duration.hours(12)
   */
  readonly refreshTokenValidity?: Duration;
  /**
   * What happens to the user pool when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Staff identity (docs/architecture.md#who-uses-it): a Cognito user pool in which administrators create every account
 * (no self sign-up), users sign in with their e-mail (the username is the staff id, which access
 * tokens carry as `username`), a strong password policy, TOTP MFA required, threat protection
 * (Plus feature plan) enforcing, and one public app client for the admin frontends using the
 * authorization code grant with PKCE (no client secret).
 */
export class StaffIdentity extends Construct {
  /** The staff user pool. */
  public readonly userPool: UserPool;
  /** The admin frontends' app client (public client: no secret, code + PKCE). */
  public readonly userPoolClient: UserPoolClient;
  /** The hosted sign-in domain, when a prefix was given. */
  public readonly domain: UserPoolDomain | undefined;
  /** The token issuer, `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`. */
  public readonly issuerUrl: string;

  constructor(scope: Construct, id: string, props: StaffIdentityProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.userPool = new UserPool(this, 'StaffUserPool', {
      selfSignUpEnabled: false,
      // Username = staff id (set by the iam module through AdminCreateUser); e-mail is a sign-in alias.
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      userInvitation: {
        emailSubject: 'Your Backoffice account',
        emailBody:
          'An administrator created your Backoffice account. Sign in with {username} and the temporary password {####}, then set your own password and an authenticator app.',
      },
      passwordPolicy: {
        minLength: props.passwordMinLength ?? 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus plan: compromised-credential detection and adaptive authentication, enforced.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy,
    });

    this.userPoolClient = this.userPool.addClient('AdminFrontendClient', {
      generateSecret: false,
      // The code grant with PKCE only; the password flows stay disabled for browsers.
      authFlows: { userSrp: false, userPassword: false, adminUserPassword: false, custom: false },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [...(props.callbackUrls ?? ['http://localhost:5173/auth/callback'])],
        logoutUrls: [...(props.logoutUrls ?? ['http://localhost:5173/'])],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: props.accessTokenValidity ?? Duration.hours(1),
      idTokenValidity: props.accessTokenValidity ?? Duration.hours(1),
      refreshTokenValidity: props.refreshTokenValidity ?? Duration.hours(12),
    });

    this.domain = props.domainPrefix
      ? this.userPool.addDomain('HostedSignIn', { cognitoDomain: { domainPrefix: props.domainPrefix } })
      : undefined;

    this.issuerUrl = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
  }

  /**
   * Lets one more frontend sign in and out through the app client: adds its redirect and sign-out
   * URIs to those of the props. For URLs known only at deploy time (a distribution's domain), which
   * the props cannot take because the client is created before the frontend's hosting.
   */
  public addFrontendUrls(urls: { readonly callbackUrl: string; readonly logoutUrl: string }): void {
    // The L2 client renders its URL lists once, at construction; append to the CloudFormation resource.
    const client = this.userPoolClient.node.defaultChild as CfnUserPoolClient;
    client.callbackUrLs = [...(client.callbackUrLs ?? []), urls.callbackUrl];
    client.logoutUrLs = [...(client.logoutUrLs ?? []), urls.logoutUrl];
  }
}
