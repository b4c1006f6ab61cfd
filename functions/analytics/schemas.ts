import * as z from 'zod/mini';
import { described } from '../shared/schemas';
import { CURRENCIES, Money } from '../shared/money';
import { TRANSITION_TARGETS } from './metrics';

/** A range spans at most this many days (a leap year): one Query of small day items. */
export const MAX_RANGE_DAYS = 366;

/** The metric names of `GET /analytics/daily` (and of its `metrics=` filter), in answer order. */
export const METRIC_NAMES = [
  'ordersCreated',
  'revenue',
  'paymentsCount',
  'refunds',
  'orderTransitions',
  'ticketsOpened',
  'ticketsResolved',
  'ticketResolutionTime',
  'approvalsDecided',
  'approvalLeadTime',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

const DAY_MS = 86_400_000;

/** A calendar date that exists (2026-02-30 does not). */
const CalendarDate = z.lazy(() => described(z.iso.date(), 'YYYY-MM-DD (UTC day)'));

const MetricList = z.lazy(() =>
  described(
    z.pipe(
      z.string().check(z.maxLength(1000)),
      z.transform((value, ctx) => {
        const names = value.split(',').map((name) => name.trim());
        const unknown = names.filter((name) => !(METRIC_NAMES as readonly string[]).includes(name));
        if (unknown.length > 0) {
          ctx.issues.push({
            code: 'custom',
            input: value,
            message: `Unknown metric ${unknown.map((n) => JSON.stringify(n)).join(', ')}; known: ${METRIC_NAMES.join(', ')}`,
          });
          return z.NEVER;
        }
        return [...new Set(names)] as MetricName[];
      }),
    ),
    `Comma-separated metric names (default: all): ${METRIC_NAMES.join(', ')}`,
  ),
);

export const DailyMetricsQuery = z.lazy(() =>
  z
    .strictObject({
      from: CalendarDate,
      to: CalendarDate,
      metrics: z.optional(MetricList),
      currency: described(z._default(z.enum(CURRENCIES), 'EUR'), 'Currency of the money metrics (revenue, refund amount); default EUR'),
    })
    .check(
      z.superRefine((query, ctx) => {
        const days = (Date.parse(query.to) - Date.parse(query.from)) / DAY_MS + 1;
        if (days < 1) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must not be after to' });
        else if (days > MAX_RANGE_DAYS)
          ctx.addIssue({ code: 'custom', path: ['to'], message: `A range spans at most ${MAX_RANGE_DAYS} days` });
      }),
    ),
);
export type DailyMetricsQuery = z.infer<typeof DailyMetricsQuery>;

const Count = z.int().check(z.minimum(0));
const Average = z.lazy(() =>
  z
    .object({
      count: described(Count, 'How many were measured'),
      averageSeconds: described(z.nullable(z.number().check(z.minimum(0))), 'Mean duration in seconds; null when none was measured'),
    })
    .register(z.globalRegistry, { id: 'AverageDuration' }),
);

export const DayMetrics = z.lazy(() =>
  z
    .object({
      ordersCreated: z.optional(Count),
      revenue: described(z.optional(Money), 'Sum of the payments captured that day, in the requested currency'),
      paymentsCount: described(z.optional(Count), 'Payments captured that day (all currencies)'),
      refunds: z.optional(z.object({ count: described(Count, 'In the requested currency'), amount: described(Money, 'In the requested currency') })),
      orderTransitions: described(
        z.optional(
          z.object(
            Object.fromEntries(TRANSITION_TARGETS.map((status) => [status, Count])) as Record<
              (typeof TRANSITION_TARGETS)[number],
              typeof Count
            >,
          ),
        ),
        'Orders that moved to each status that day',
      ),
      ticketsOpened: z.optional(Count),
      ticketsResolved: z.optional(Count),
      ticketResolutionTime: described(z.optional(Average), 'Time from opening to resolution of the tickets resolved that day'),
      approvalsDecided: described(
        z.optional(z.object({ count: Count, approved: Count, rejected: Count })),
        'Approvals whose final decision fell that day',
      ),
      approvalLeadTime: described(z.optional(Average), 'Time from request to final decision of the approvals decided that day'),
    })
    .register(z.globalRegistry, { id: 'DayMetrics' }),
);
export type DayMetrics = z.infer<typeof DayMetrics>;

export const DailyMetrics = z.lazy(() =>
  z
    .object({
      from: z.iso.date(),
      to: z.iso.date(),
      currency: z.enum(CURRENCIES),
      days: described(
        z.array(z.object({ date: z.iso.date(), metrics: DayMetrics })),
        'Every day of the range, oldest first (zeros for days without activity)',
      ),
    })
    .register(z.globalRegistry, { id: 'DailyMetrics' }),
);
export type DailyMetrics = z.infer<typeof DailyMetrics>;
