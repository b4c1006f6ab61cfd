/**
 * The partner API's rate-limit header fields (draft-ietf-httpapi-ratelimit-headers, structured-field
 * form): `RateLimit-Policy` names the key's policies — the daily quota ("day") and the token bucket's
 * size ("burst") — and `RateLimit` what is left of them. The limits come from the partner authorizer's
 * context; the day's request count from the usage counter (the authorizer's in AWS, the gateway's own
 * locally), so every response the module Lambda writes carries both fields.
 */
export const DAY_POLICY = 'day';
export const BURST_POLICY = 'burst';
const DAY_SECONDS = 24 * 60 * 60;

/** A usage plan's figures: throttle rate and burst, and the quota per UTC day. */
export interface RateLimits {
  requestsPerSecond: number;
  burst: number;
  dailyQuota: number;
}

/** What is left of one policy: `remaining` requests, full again in `resetSeconds` (when known). */
export interface PolicyState {
  policy: typeof DAY_POLICY | typeof BURST_POLICY;
  remaining: number;
  resetSeconds?: number;
}

/** Authorizer context keys (API Gateway passes context values to the function as strings). */
export const RATE_LIMIT_CONTEXT = {
  requestsPerSecond: 'rateLimitPerSecond',
  burst: 'rateLimitBurst',
  dailyQuota: 'dailyQuota',
  requestsToday: 'requestsToday',
} as const;

export function rateLimitContext(limits: RateLimits): Record<string, number> {
  return {
    [RATE_LIMIT_CONTEXT.requestsPerSecond]: limits.requestsPerSecond,
    [RATE_LIMIT_CONTEXT.burst]: limits.burst,
    [RATE_LIMIT_CONTEXT.dailyQuota]: limits.dailyQuota,
  };
}

const wholeNumber = (value: unknown): number | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
};

/** The limits in an authorizer context, or undefined when it carries none (then no field is sent). */
export function rateLimitsOfContext(context: Record<string, unknown> | null | undefined): RateLimits | undefined {
  const requestsPerSecond = wholeNumber(context?.[RATE_LIMIT_CONTEXT.requestsPerSecond]);
  const burst = wholeNumber(context?.[RATE_LIMIT_CONTEXT.burst]);
  const dailyQuota = wholeNumber(context?.[RATE_LIMIT_CONTEXT.dailyQuota]);
  if (requestsPerSecond === undefined || burst === undefined || dailyQuota === undefined) return undefined;
  return { requestsPerSecond, burst, dailyQuota };
}

export function requestsTodayOfContext(context: Record<string, unknown> | null | undefined): number | undefined {
  return wholeNumber(context?.[RATE_LIMIT_CONTEXT.requestsToday]);
}

/** `"day";q=10000;w=86400, "burst";q=20;w=1` */
export function formatRateLimitPolicy(limits: RateLimits): string {
  return `"${DAY_POLICY}";q=${limits.dailyQuota};w=${DAY_SECONDS}, "${BURST_POLICY}";q=${limits.burst};w=1`;
}

/** `"day";r=9876;t=43200` (one list member per policy given). */
export function formatRateLimit(states: readonly PolicyState[]): string {
  return states
    .map((state) => {
      const reset = state.resetSeconds === undefined ? '' : `;t=${Math.max(0, Math.ceil(state.resetSeconds))}`;
      return `"${state.policy}";r=${Math.max(0, Math.floor(state.remaining))}${reset}`;
    })
    .join(', ');
}

/** Seconds until the next UTC midnight, when API Gateway's DAY quota period starts again. */
export function secondsToNextUtcDay(nowMs: number): number {
  const dayMs = DAY_SECONDS * 1000;
  return Math.ceil((Math.floor(nowMs / dayMs) * dayMs + dayMs - nowMs) / 1000);
}

/** The UTC day (`2025-01-31`) a usage count belongs to. */
export const utcDay = (nowMs: number) => new Date(nowMs).toISOString().slice(0, 10);

/**
 * Both fields for a response to a key with `limits`, `requestsToday` requests counted so far
 * (this one included). Without a count only the policy is sent.
 */
export function rateLimitHeaders(limits: RateLimits, requestsToday: number | undefined, nowMs: number): Record<string, string> {
  const headers: Record<string, string> = { 'RateLimit-Policy': formatRateLimitPolicy(limits) };
  if (requestsToday !== undefined) {
    headers.RateLimit = formatRateLimit([{ policy: DAY_POLICY, remaining: limits.dailyQuota - requestsToday, resetSeconds: secondsToNextUtcDay(nowMs) }]);
  }
  return headers;
}
