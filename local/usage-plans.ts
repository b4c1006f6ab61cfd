/**
 * API Gateway usage-plan semantics for the partner API: a token bucket per API key (steady rate
 * `requestsPerSecond`, bucket size `burst`) and a request quota per UTC day. Counters live in memory:
 * a restart refills buckets and forgets the day's count.
 */
export interface UsageLimits {
  rateLimit: { requestsPerSecond: number; burst: number };
  dailyQuota: number;
}

export type UsageDecision =
  | { allowed: true; remainingQuota: number; requestsToday: number }
  | { allowed: false; reason: 'throttled' | 'quota'; retryAfterSeconds: number };

interface Counter {
  tokens: number;
  refilledAt: number;
  day: string;
  used: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class UsagePlans {
  private readonly counters = new Map<string, Counter>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one request of `key` against its limits; refused requests use neither rate nor quota. */
  consume(key: string, limits: UsageLimits): UsageDecision {
    const now = this.now();
    const day = new Date(now).toISOString().slice(0, 10);
    const { requestsPerSecond, burst } = limits.rateLimit;
    const counter = this.counters.get(key) ?? { tokens: burst, refilledAt: now, day, used: 0 };
    this.counters.set(key, counter);

    counter.tokens = Math.min(burst, counter.tokens + ((now - counter.refilledAt) / 1000) * requestsPerSecond);
    counter.refilledAt = now;
    if (counter.day !== day) {
      counter.day = day;
      counter.used = 0;
    }

    if (counter.used >= limits.dailyQuota) {
      const nextDay = Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
      return { allowed: false, reason: 'quota', retryAfterSeconds: Math.max(1, Math.ceil((nextDay - now) / 1000)) };
    }
    if (counter.tokens < 1) {
      const wait = requestsPerSecond > 0 ? (1 - counter.tokens) / requestsPerSecond : 60;
      return { allowed: false, reason: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil(wait)) };
    }
    counter.tokens -= 1;
    counter.used += 1;
    return { allowed: true, remainingQuota: limits.dailyQuota - counter.used, requestsToday: counter.used };
  }
}
