/**
 * What the console learns at start from `/config.json`: where the admin API is and how staff sign in.
 * The stack writes it at deploy time (Cognito); the local runtime serves one in `local` mode.
 * Contract: docs/modules/console.md#configjson.
 */
export interface CognitoAuth {
  mode: 'cognito';
  /** The user pool's issuer (OIDC discovery). */
  authority: string;
  clientId: string;
  /** The hosted sign-in domain; without it nobody can sign in. */
  domain?: string;
  redirectPath: string;
  logoutPath: string;
}

export interface LocalAuth {
  mode: 'local';
  /** `POST` here with `{email}` for a token (the local runtime only). */
  tokenUrl: string;
  /** The seeded staff the sign-in page offers. */
  staff: { email: string; name: string; roles: string[] }[];
}

export interface ConsoleConfig {
  apiUrl: string;
  auth: CognitoAuth | LocalAuth;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch('/config.json', { cache: 'no-cache' });
  if (!res.ok) throw new Error(`The console could not load /config.json (HTTP ${res.status})`);
  const config = (await res.json()) as ConsoleConfig;
  if (typeof config.apiUrl !== 'string' || !config.auth) throw new Error('/config.json has no apiUrl or auth');
  // A relative apiUrl (the local runtime's `/admin/v1`) is on the console's own origin.
  return { ...config, apiUrl: new URL(config.apiUrl, location.origin).toString().replace(/\/$/, '') };
}
