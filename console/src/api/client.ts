import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type AdminClient = ReturnType<typeof createClient<paths>>;

/** Where the signed-in person's bearer token comes from (the auth provider owns it). */
export type TokenSource = () => Promise<string | undefined>;

/**
 * The admin API as the console calls it: typed by the generated OpenAPI paths, a bearer token on
 * every request, JSON answers and problem+json errors parsed.
 */
export function createAdminClient(apiUrl: string, token: TokenSource): AdminClient {
  const client = createClient<paths>({ baseUrl: apiUrl });
  const bearer: Middleware = {
    async onRequest({ request }) {
      const value = await token();
      if (value) request.headers.set('authorization', `Bearer ${value}`);
      return request;
    },
  };
  client.use(bearer);
  return client;
}

/** A strong entity tag from a resource's `version`: what `If-Match` expects. */
export const ifMatch = (version: number | undefined): Record<string, string> =>
  version === undefined ? {} : { 'If-Match': `"${version}"` };

/**
 * One key per side effect the person asked for: a retry of the same request (same scope, same
 * body) after a failure reuses it, so the API answers the first attempt's result instead of acting
 * twice; a success forgets it, so the next request is a new side effect.
 */
const pendingKeys = new Map<string, string>();

export async function sendOnce<T>(scope: string, body: unknown, send: (idempotencyKey: string) => Promise<T>): Promise<T> {
  const id = `${scope} ${JSON.stringify(body)}`;
  let key = pendingKeys.get(id);
  if (!key) {
    key = crypto.randomUUID();
    pendingKeys.set(id, key);
  }
  const result = await send(key);
  pendingKeys.delete(id);
  return result;
}
