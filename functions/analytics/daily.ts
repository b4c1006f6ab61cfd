import { CURRENCIES, type Money } from '../shared/money';
import { COUNTER, TRANSITION_TARGETS } from './metrics';
import { queryDays, type DayItem } from './metrics-repository';
import { METRIC_NAMES, type DailyMetrics, type DailyMetricsQuery, type DayMetrics, type MetricName } from './schemas';

/** `GET /analytics/daily`: every day of the range, zeros where nothing happened (one Query). */

const DAY_MS = 86_400_000;

/** Every date from `from` to `to`, inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += DAY_MS) dates.push(new Date(t).toISOString().slice(0, 10));
  return dates;
}

const counter = (item: DayItem | undefined, name: string): number => {
  const value = item?.[name];
  return typeof value === 'number' ? value : 0;
};

const average = (item: DayItem | undefined, sumMs: string, countName: string) => {
  const count = counter(item, countName);
  return { count, averageSeconds: count === 0 ? null : Math.round(counter(item, sumMs) / count) / 1000 };
};

/**
 * Refunds of `currency` that day. Days counted before counts were per currency hold one count for
 * every currency (`refundsCount`): it belongs to `currency` when that day's refund amounts are all
 * in it, and cannot be split otherwise (then only the refunds counted since are reported).
 */
function refundCount(item: DayItem | undefined, currency: Money['currency']): number {
  const counted = counter(item, COUNTER.refundsCount(currency));
  const legacy = counter(item, COUNTER.legacyRefundsCount);
  if (legacy === 0) return counted;
  const refunded = CURRENCIES.filter((c) => counter(item, COUNTER.refundsAmount(c)) > 0);
  return refunded.length === 1 && refunded[0] === currency ? counted + legacy : counted;
}

/** The metrics of one day from its stored counters (absent item: all zeros). */
export function metricsOf(item: DayItem | undefined, currency: Money['currency'], names: readonly MetricName[] = METRIC_NAMES): DayMetrics {
  const all: Required<DayMetrics> = {
    ordersCreated: counter(item, COUNTER.ordersCreated),
    revenue: { amount: counter(item, COUNTER.revenue(currency)), currency },
    paymentsCount: counter(item, COUNTER.paymentsCount),
    refunds: { count: refundCount(item, currency), amount: { amount: counter(item, COUNTER.refundsAmount(currency)), currency } },
    orderTransitions: Object.fromEntries(TRANSITION_TARGETS.map((status) => [status, counter(item, COUNTER.transition(status))])) as Required<DayMetrics>['orderTransitions'],
    ticketsOpened: counter(item, COUNTER.ticketsOpened),
    ticketsResolved: counter(item, COUNTER.ticketsResolved),
    ticketResolutionTime: average(item, COUNTER.ticketResolutionMs, COUNTER.ticketResolutionCount),
    approvalsDecided: (() => {
      const approved = counter(item, COUNTER.approvalsApproved);
      const rejected = counter(item, COUNTER.approvalsRejected);
      return { count: approved + rejected, approved, rejected };
    })(),
    approvalLeadTime: average(item, COUNTER.approvalLeadMs, COUNTER.approvalLeadCount),
  };
  return Object.fromEntries(names.map((name) => [name, all[name]])) as DayMetrics;
}

export async function dailyMetrics(query: DailyMetricsQuery): Promise<DailyMetrics> {
  const stored = new Map((await queryDays(query.from, query.to)).map((item) => [item.date, item]));
  const names = query.metrics ?? METRIC_NAMES;
  return {
    from: query.from,
    to: query.to,
    currency: query.currency,
    days: datesBetween(query.from, query.to).map((date) => ({ date, metrics: metricsOf(stored.get(date), query.currency, names) })),
  };
}
