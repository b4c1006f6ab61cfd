/**
 * The admin API's CORS headers, one list for the function (middy), the HTTP API's `corsPreflight`
 * (lib/constructs/admin-api.ts) and the local gateway (local/cors.ts).
 */
/** Request headers the admin frontends send (`Access-Control-Allow-Headers`). */
export const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'if-match', 'idempotency-key'] as const;
/**
 * Response headers a browser page may read (`Access-Control-Expose-Headers`): the version, where a
 * created resource is, when to retry, whether an answer is a replay, the rate limit, the request id.
 */
export const CORS_EXPOSE_HEADERS = [
  'etag',
  'location',
  'retry-after',
  'idempotent-replayed',
  'ratelimit',
  'ratelimit-policy',
  'x-request-id',
] as const;
