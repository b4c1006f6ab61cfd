import type { AuthProvider } from 'react-admin';
import type { AdminClient, Schemas } from '../api/client';
import { unwrap } from '../api/call';
import { canAccess } from './permissions';
import type { Session } from './sessions';

type Me = Schemas['Me'];

/**
 * react-admin's auth provider over a session (Cognito or local): who is signed in and what they may
 * do come from `GET /me`, read once per sign-in, so menus and buttons show only permitted actions.
 */
export function createAuthProvider(session: Session, api: AdminClient): AuthProvider {
  let me: Promise<Me> | undefined;
  const whoAmI = () => (me ??= unwrap(api.GET('/me')).catch((error: unknown) => {
    me = undefined;
    throw error;
  }));

  // Already signed in (a reload, a deep link): ask who while the screens' code downloads, not after.
  void session.isSignedIn().then((signedIn) => (signedIn ? whoAmI().catch(() => undefined) : undefined));

  return {
    async login(params: { email?: string }) {
      me = undefined;
      await session.signIn(params ?? {});
    },
    async logout() {
      me = undefined;
      const redirect = await session.signOut();
      if (redirect) {
        window.location.assign(redirect);
        return false;
      }
      return undefined;
    },
    async checkAuth() {
      if (!(await session.isSignedIn())) throw new Error('ra.auth.auth_check_error');
    },
    async checkError(error: { status?: number }) {
      // 401: the token is gone or refused, sign in again. 403 is a refusal of one action, not of the session.
      if (error?.status === 401) {
        me = undefined;
        throw new Error('ra.auth.auth_check_error');
      }
    },
    async getIdentity() {
      const { id, name, email, roles } = await whoAmI();
      return { id, fullName: name, email, roles };
    },
    async getPermissions() {
      return (await whoAmI()).permissions;
    },
    async canAccess({ resource, action }) {
      return canAccess((await whoAmI()).permissions, resource, action);
    },
    async handleCallback() {
      await session.completeSignIn();
      me = undefined;
      return { redirectTo: '/' };
    },
  };
}
