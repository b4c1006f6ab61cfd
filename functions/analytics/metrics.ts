import type { DynamoDBRecord } from 'aws-lambda';
import { CURRENCIES, type Money } from '../shared/money';
import { imagesOf } from '../shared/stream-images';

/**
 * Daily metrics derived from the single table's stream (docs/architecture.md#analytics-and-exports), as pure functions: a stream
 * record → the counters it moves on one UTC day. No I/O here; the consumer stores the increments
 * with ADD (metrics-repository.ts), once per stream record.
 *
 * The day is the UTC date of the event's own time, taken from the item (createdAt of an order,
 * payment, refund or ticket; updatedAt of an order transition; resolvedAt of a ticket; the decision
 * time of an approval), so a record delivered late or twice still counts on the right day.
 */

/** Entity types whose changes move a metric: the consumer's event source filter (functions/shared/schema/stream-consumers.ts). */
export const METRIC_SOURCE_TYPES = ['order', 'payment', 'refund', 'approval', 'ticket'] as const;

/** Order statuses a transition can reach (an order is created pending_payment). */
export const TRANSITION_TARGETS = ['paid', 'fulfilling', 'shipped', 'delivered', 'completed', 'cancelled'] as const;
export type TransitionTarget = (typeof TRANSITION_TARGETS)[number];

/** Attribute names of the counters on a day's item. Per-currency amounts and per-status counts carry a suffix. */
export const COUNTER = {
  ordersCreated: 'ordersCreated',
  paymentsCount: 'paymentsCount',
  revenue: (currency: Money['currency']) => `revenue_${currency}`,
  refundsCount: (currency: Money['currency']) => `refundsCount_${currency}`,
  /** Refunds of every currency, as days were counted before counts were per currency (read only, see daily.ts). */
  legacyRefundsCount: 'refundsCount',
  refundsAmount: (currency: Money['currency']) => `refundsAmount_${currency}`,
  transition: (to: TransitionTarget) => `transition_${to}`,
  ticketsOpened: 'ticketsOpened',
  ticketsResolved: 'ticketsResolved',
  ticketResolutionMs: 'ticketResolutionMs',
  ticketResolutionCount: 'ticketResolutionCount',
  approvalsApproved: 'approvalsApproved',
  approvalsRejected: 'approvalsRejected',
  approvalLeadMs: 'approvalLeadMs',
  approvalLeadCount: 'approvalLeadCount',
} as const;

/** The counters one stream record moves on one day. */
export interface DayIncrements {
  /** UTC date, YYYY-MM-DD. */
  date: string;
  /** Counter attribute → amount to add (positive). */
  counters: Record<string, number>;
}

/** A stream record whose item cannot be counted (a malformed time, amount, currency or status). */
export class UncountableRecord extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'UncountableRecord';
  }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Epoch milliseconds of an ISO 8601 UTC time attribute. */
function timeOf(item: Record<string, unknown>, field: string): number {
  const value = item[field];
  if (typeof value !== 'string' || !ISO_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw new UncountableRecord(`${String(item.entityType)} has no valid ${field}: ${JSON.stringify(value)}`);
  }
  return Date.parse(value);
}

/** The UTC date (YYYY-MM-DD) of an epoch time. */
export const dayOf = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);

function moneyOf(item: Record<string, unknown>, field: string): Money {
  const value = item[field] as { amount?: unknown; currency?: unknown } | undefined;
  const amount = value?.amount;
  const currency = value?.currency;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0 || !(CURRENCIES as readonly unknown[]).includes(currency)) {
    throw new UncountableRecord(`${String(item.entityType)} has no valid ${field}: ${JSON.stringify(value)}`);
  }
  return { amount, currency: currency as Money['currency'] };
}

const isTransitionTarget = (status: unknown): status is TransitionTarget => (TRANSITION_TARGETS as readonly unknown[]).includes(status);

/** When the approval was decided: the latest decision on its steps, else the time of the write. */
function decisionTime(approval: Record<string, unknown>): number {
  const steps = Array.isArray(approval.steps) ? (approval.steps as Array<{ decidedAt?: unknown }>) : [];
  const decided = steps.map((s) => s.decidedAt).filter((at): at is string => typeof at === 'string' && ISO_TIME.test(at));
  if (decided.length === 0) return timeOf(approval, 'updatedAt');
  return Math.max(...decided.map((at) => Date.parse(at)));
}

const one = (date: string, counters: Record<string, number>): DayIncrements[] => [{ date, counters }];

/**
 * The increments of one stream record (none for changes that move no metric):
 * - order inserted → ordersCreated; order status changed → transition_<to> (on updatedAt's day);
 * - payment inserted → paymentsCount, revenue_<currency> (a payment is recorded when captured);
 * - refund inserted → refundsCount_<currency>, refundsAmount_<currency> (counted per currency, like the amount);
 * - ticket inserted → ticketsOpened; ticket status changed to resolved → ticketsResolved and the time
 *   to resolution (resolvedAt − createdAt), on resolvedAt's day;
 * - approval decided (pending → approved | rejected) → approvalsApproved / approvalsRejected and the
 *   lead time (decision − createdAt, when it was requested), on the decision's day.
 * Durations are milliseconds, never negative.
 */
export function incrementsOf(record: DynamoDBRecord): DayIncrements[] {
  const { before, after } = imagesOf(record);
  if (!after) return []; // removals move no metric
  const type = after.entityType;
  const inserted = record.eventName === 'INSERT' || !before;
  const statusChanged = !inserted && before?.status !== after.status;

  switch (type) {
    case 'order': {
      if (inserted) return one(dayOf(timeOf(after, 'createdAt')), { [COUNTER.ordersCreated]: 1 });
      if (!statusChanged) return [];
      if (!isTransitionTarget(after.status)) throw new UncountableRecord(`order moved to an unknown status: ${JSON.stringify(after.status)}`);
      return one(dayOf(timeOf(after, 'updatedAt')), { [COUNTER.transition(after.status)]: 1 });
    }
    case 'payment': {
      if (!inserted) return [];
      const amount = moneyOf(after, 'amount');
      return one(dayOf(timeOf(after, 'createdAt')), { [COUNTER.paymentsCount]: 1, [COUNTER.revenue(amount.currency)]: amount.amount });
    }
    case 'refund': {
      if (!inserted) return [];
      const amount = moneyOf(after, 'amount');
      return one(dayOf(timeOf(after, 'createdAt')), { [COUNTER.refundsCount(amount.currency)]: 1, [COUNTER.refundsAmount(amount.currency)]: amount.amount });
    }
    case 'ticket': {
      if (inserted) return one(dayOf(timeOf(after, 'createdAt')), { [COUNTER.ticketsOpened]: 1 });
      if (!statusChanged || after.status !== 'resolved') return [];
      const resolvedAt = timeOf(after, 'resolvedAt');
      return one(dayOf(resolvedAt), {
        [COUNTER.ticketsResolved]: 1,
        [COUNTER.ticketResolutionMs]: Math.max(0, resolvedAt - timeOf(after, 'createdAt')),
        [COUNTER.ticketResolutionCount]: 1,
      });
    }
    case 'approval': {
      if (inserted || before?.status !== 'pending' || (after.status !== 'approved' && after.status !== 'rejected')) return [];
      const decidedAt = decisionTime(after);
      return one(dayOf(decidedAt), {
        [after.status === 'approved' ? COUNTER.approvalsApproved : COUNTER.approvalsRejected]: 1,
        [COUNTER.approvalLeadMs]: Math.max(0, decidedAt - timeOf(after, 'createdAt')),
        [COUNTER.approvalLeadCount]: 1,
      });
    }
    default:
      return [];
  }
}
