import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { CognitoAuth, LocalAuth } from '../config';

/**
 * Where a signed-in person's token comes from. Two kinds: Cognito (authorization code + PKCE,
 * silent refresh) in AWS, and the local runtime's `/local/token` (development only).
 */
export interface Session {
  /** The bearer for the next request; refreshed when it is about to expire; undefined when signed out. */
  token(): Promise<string | undefined>;
  signIn(params: { email?: string }): Promise<void>;
  /** Finishes a redirect sign-in (Cognito's callback); nothing to do locally. */
  completeSignIn(): Promise<void>;
  /** Where to send the browser after signing out, when not the console's sign-in page. */
  signOut(): Promise<string | undefined>;
  isSignedIn(): Promise<boolean>;
}

const LOCAL_KEY = 'backoffice.local-session';
/** Ask for a new local token this long before the old one expires. */
const REFRESH_MARGIN_MS = 60_000;

interface LocalState {
  email: string;
  token: string;
  expiresAt: number;
}

export function localSession(auth: LocalAuth): Session {
  const read = (): LocalState | undefined => {
    const raw = sessionStorage.getItem(LOCAL_KEY);
    return raw ? (JSON.parse(raw) as LocalState) : undefined;
  };
  async function request(email: string): Promise<LocalState> {
    const res = await fetch(auth.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
    const body = (await res.json().catch(() => ({}))) as { token?: string; expiresIn?: number; detail?: string };
    if (!res.ok || !body.token) throw new Error(body.detail ?? `The local runtime refused a token for ${email}`);
    const state = { email, token: body.token, expiresAt: Date.now() + (body.expiresIn ?? 3600) * 1000 };
    sessionStorage.setItem(LOCAL_KEY, JSON.stringify(state));
    return state;
  }
  return {
    async token() {
      const state = read();
      if (!state) return undefined;
      if (state.expiresAt - Date.now() > REFRESH_MARGIN_MS) return state.token;
      return (await request(state.email)).token;
    },
    async signIn({ email }) {
      if (!email) throw new Error('Choose whom to sign in as');
      await request(email);
    },
    async completeSignIn() {},
    async signOut() {
      sessionStorage.removeItem(LOCAL_KEY);
      return undefined;
    },
    async isSignedIn() {
      return read() !== undefined;
    },
  };
}

export function cognitoSession(auth: CognitoAuth): Session {
  const manager = new UserManager({
    authority: auth.authority,
    client_id: auth.clientId,
    redirect_uri: location.origin + auth.redirectPath,
    post_logout_redirect_uri: location.origin + auth.logoutPath,
    response_type: 'code',
    scope: 'openid email profile',
    automaticSilentRenew: true,
    userStore: new WebStorageStateStore({ store: sessionStorage }),
    // Cognito's discovery document names no end-session endpoint: sign-out is its /logout below.
    ...(auth.domain ? { metadataSeed: { end_session_endpoint: `${auth.domain}/logout` } } : {}),
  });
  return {
    async token() {
      const user = await manager.getUser();
      if (!user) return undefined;
      if (!user.expired) return user.access_token;
      const renewed = await manager.signinSilent().catch(() => null);
      return renewed?.access_token;
    },
    async signIn() {
      if (!auth.domain) throw new Error('This stack has no Cognito sign-in domain (backoffice:authDomainPrefix): nobody can sign in yet');
      await manager.signinRedirect();
    },
    async completeSignIn() {
      await manager.signinRedirectCallback();
    },
    async signOut() {
      await manager.removeUser();
      if (!auth.domain) return undefined;
      const url = new URL(`${auth.domain}/logout`);
      url.searchParams.set('client_id', auth.clientId);
      url.searchParams.set('logout_uri', location.origin + auth.logoutPath);
      return url.toString();
    },
    async isSignedIn() {
      const user = await manager.getUser();
      return Boolean(user && (!user.expired || user.refresh_token));
    },
  };
}
