import * as z from 'zod';
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
const CalendarDate = z.iso.date().describe('YYYY-MM-DD (UTC day)');

const MetricList = z
  .string()
  .max(1000)
  .transform((value, ctx) => {
    const names = value.split(',').map((name) => name.trim());
    const unknown = names.filter((name) => !(METRIC_NAMES as readonly string[]).includes(name));
    if (unknown.length > 0) {
      ctx.addIssue({ code: 'custom', message: `Unknown metric ${unknown.map((n) => JSON.stringify(n)).join(', ')}; known: ${METRIC_NAMES.join(', ')}` });
      return z.NEVER;
    }
    return [...new Set(names)] as MetricName[];
  })
  .describe(`Comma-separated metric names (default: all): ${METRIC_NAMES.join(', ')}`);

export const DailyMetricsQuery = z
  .strictObject({
    from: CalendarDate,
    to: CalendarDate,
    metrics: MetricList.optional(),
    currency: z.enum(CURRENCIES).default('EUR').describe('Currency of the money metrics (revenue, refund amount); default EUR'),
  })
  .superRefine((query, ctx) => {
    const days = (Date.parse(query.to) - Date.parse(query.from)) / DAY_MS + 1;
    if (days < 1) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must not be after to' });
    else if (days > MAX_RANGE_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `A range spans at most ${MAX_RANGE_DAYS} days` });
  });
export type DailyMetricsQuery = z.infer<typeof DailyMetricsQuery>;

const Count = z.int().min(0);
const Average = z
  .object({
    count: Count.describe('How many were measured'),
    averageSeconds: z.number().min(0).nullable().describe('Mean duration in seconds; null when none was measured'),
  })
  .meta({ id: 'AverageDuration' });

export const DayMetrics = z
  .object({
    ordersCreated: Count.optional(),
    revenue: Money.optional().describe('Sum of the payments captured that day, in the requested currency'),
    paymentsCount: Count.optional().describe('Payments captured that day (all currencies)'),
    refunds: z.object({ count: Count.describe('All currencies'), amount: Money.describe('In the requested currency') }).optional(),
    orderTransitions: z
      .object(Object.fromEntries(TRANSITION_TARGETS.map((status) => [status, Count])) as Record<(typeof TRANSITION_TARGETS)[number], typeof Count>)
      .optional()
      .describe('Orders that moved to each status that day'),
    ticketsOpened: Count.optional(),
    ticketsResolved: Count.optional(),
    ticketResolutionTime: Average.optional().describe('Time from opening to resolution of the tickets resolved that day'),
    approvalsDecided: z.object({ count: Count, approved: Count, rejected: Count }).optional().describe('Approvals whose final decision fell that day'),
    approvalLeadTime: Average.optional().describe('Time from request to final decision of the approvals decided that day'),
  })
  .meta({ id: 'DayMetrics' });
export type DayMetrics = z.infer<typeof DayMetrics>;

export const DailyMetrics = z
  .object({
    from: z.iso.date(),
    to: z.iso.date(),
    currency: z.enum(CURRENCIES),
    days: z.array(z.object({ date: z.iso.date(), metrics: DayMetrics })).describe('Every day of the range, oldest first (zeros for days without activity)'),
  })
  .meta({ id: 'DailyMetrics' });
export type DailyMetrics = z.infer<typeof DailyMetrics>;
