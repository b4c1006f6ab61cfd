/**
 * When a failed delivery is attempted again: the Standard Webhooks (Svix) schedule. The first
 * attempt is immediate; after each failure the next one waits 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and
 * 10 h, so a delivery is attempted eight times over about 27 hours before it gives up.
 */
export const RETRY_DELAYS_SECONDS: readonly number[] = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600];

export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

/** The whole retry window: an endpoint failing for this long is disabled when a delivery gives up. */
export const RETRY_WINDOW_SECONDS = RETRY_DELAYS_SECONDS.reduce((sum, delay) => sum + delay, 0);

/** How long one attempt waits for an answer. */
export const ATTEMPT_TIMEOUT_MS = 10_000;

/** The wait before the next attempt after `attemptsMade` failed ones; undefined once the schedule is used up. */
export function retryDelaySeconds(attemptsMade: number): number | undefined {
  return attemptsMade >= 1 ? RETRY_DELAYS_SECONDS[attemptsMade - 1] : undefined;
}
