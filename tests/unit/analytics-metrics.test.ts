import { metricsOf, datesBetween } from '../../functions/analytics/daily';
import { incrementsOf, METRIC_SOURCE_TYPES, UncountableRecord } from '../../functions/analytics/metrics';
import { DailyMetricsQuery, METRIC_NAMES } from '../../functions/analytics/schemas';
import { metricKeys } from '../../functions/shared/keys';
import { METRICS_CONSUMER } from '../../functions/shared/schema/stream-consumers';
import { DERIVED_ENTITY_TYPES } from '../../functions/shared/schema/tables';
import { streamRecord } from '../support/stream-records';

/** Daily metrics derived from stream records (functions/analytics/metrics.ts) and the answer built from counters. */

const order = (fields: Record<string, unknown> = {}) => ({
  pk: 'ORDER#01J0000000000000000000000A',
  sk: 'ORDER',
  entityType: 'order',
  id: '01J0000000000000000000000A',
  status: 'pending_payment',
  currency: 'EUR',
  total: 5000,
  createdAt: '2026-03-01T23:59:59.999Z',
  updatedAt: '2026-03-01T23:59:59.999Z',
  version: 1,
  ...fields,
});

describe('incrementsOf', () => {
  test('an order created counts on the UTC day of its createdAt', () => {
    expect(incrementsOf(streamRecord(undefined, order()))).toEqual([{ date: '2026-03-01', counters: { ordersCreated: 1 } }]);
  });

  test('a status change counts one transition to the new status, on the day of the write', () => {
    const before = order();
    const after = order({ status: 'cancelled', updatedAt: '2026-03-02T00:00:00.000Z', version: 2 });
    expect(incrementsOf(streamRecord(before, after))).toEqual([{ date: '2026-03-02', counters: { transition_cancelled: 1 } }]);
  });

  test('an order update that keeps the status, and a removal, count nothing', () => {
    expect(incrementsOf(streamRecord(order(), order({ paidAmount: 100, version: 2 })))).toEqual([]);
    expect(incrementsOf(streamRecord(order(), undefined))).toEqual([]);
  });

  test('a payment adds its amount to the revenue of its currency; a refund to the refunds of its currency', () => {
    const payment = { entityType: 'payment', id: 'p', orderId: 'o', amount: { amount: 1999, currency: 'EUR' }, createdAt: '2026-03-05T10:00:00.000Z' };
    expect(incrementsOf(streamRecord(undefined, payment))).toEqual([{ date: '2026-03-05', counters: { paymentsCount: 1, revenue_EUR: 1999 } }]);
    const refund = { entityType: 'refund', id: 'r', orderId: 'o', amount: { amount: 500, currency: 'CHF' }, createdAt: '2026-03-06T10:00:00.000Z' };
    expect(incrementsOf(streamRecord(undefined, refund))).toEqual([{ date: '2026-03-06', counters: { refundsCount_CHF: 1, refundsAmount_CHF: 500 } }]);
    // A later change of the payment item (none today) would not count it again.
    expect(incrementsOf(streamRecord(payment, { ...payment, reference: 'x' }))).toEqual([]);
  });

  test('tickets: opened on insert; resolved (with time to resolution) when the status becomes resolved', () => {
    const ticket = { entityType: 'ticket', id: 't', status: 'open', createdAt: '2026-03-01T08:00:00.000Z', updatedAt: '2026-03-01T08:00:00.000Z' };
    expect(incrementsOf(streamRecord(undefined, ticket))).toEqual([{ date: '2026-03-01', counters: { ticketsOpened: 1 } }]);
    const working = { ...ticket, status: 'in_progress' };
    expect(incrementsOf(streamRecord(ticket, working))).toEqual([]);
    const resolved = { ...working, status: 'resolved', resolvedAt: '2026-03-02T09:30:00.000Z' };
    expect(incrementsOf(streamRecord(working, resolved))).toEqual([
      { date: '2026-03-02', counters: { ticketsResolved: 1, ticketResolutionMs: (25 * 60 + 30) * 60_000, ticketResolutionCount: 1 } },
    ]);
    // Closing a resolved ticket, or editing it, is no second resolution.
    expect(incrementsOf(streamRecord(resolved, { ...resolved, status: 'closed' }))).toEqual([]);
    expect(incrementsOf(streamRecord(resolved, { ...resolved, subject: 'x' }))).toEqual([]);
  });

  test('approvals: the final decision counts approved or rejected and the lead time from the request', () => {
    const pending = {
      entityType: 'approval',
      id: 'a',
      status: 'pending',
      createdAt: '2026-03-01T10:00:00.000Z',
      updatedAt: '2026-03-01T10:00:00.000Z',
      steps: [{ role: 'finance', status: 'open' }],
    };
    const firstStep = { ...pending, steps: [{ role: 'finance', status: 'approved', decidedAt: '2026-03-01T11:00:00.000Z' }, { role: 'admin', status: 'open' }] };
    expect(incrementsOf(streamRecord(pending, firstStep))).toEqual([]); // still pending
    const approved = {
      ...firstStep,
      status: 'approved',
      updatedAt: '2026-03-03T10:00:00.500Z',
      steps: [firstStep.steps[0], { role: 'admin', status: 'approved', decidedAt: '2026-03-03T10:00:00.000Z' }],
    };
    expect(incrementsOf(streamRecord(firstStep, approved))).toEqual([
      { date: '2026-03-03', counters: { approvalsApproved: 1, approvalLeadMs: 2 * 86_400_000, approvalLeadCount: 1 } },
    ]);
    const rejected = { ...pending, status: 'rejected', steps: [{ role: 'finance', status: 'rejected', decidedAt: '2026-03-01T10:00:05.000Z' }] };
    expect(incrementsOf(streamRecord(pending, rejected))).toEqual([
      { date: '2026-03-01', counters: { approvalsRejected: 1, approvalLeadMs: 5000, approvalLeadCount: 1 } },
    ]);
    // Expiry is no decision; applying an approved change later counts nothing more.
    expect(incrementsOf(streamRecord(pending, { ...pending, status: 'expired' }))).toEqual([]);
    expect(incrementsOf(streamRecord(approved, { ...approved, appliedAt: '2026-03-03T10:00:01.000Z' }))).toEqual([]);
  });

  test('other entity types count nothing', () => {
    expect(incrementsOf(streamRecord(undefined, { entityType: 'product', createdAt: '2026-03-01T00:00:00.000Z' }))).toEqual([]);
    expect(incrementsOf(streamRecord(undefined, { entityType: 'order_event', to: 'paid', at: '2026-03-01T00:00:00.000Z' }))).toEqual([]);
  });

  test('an item that cannot be counted throws (the record fails alone)', () => {
    expect(() => incrementsOf(streamRecord(undefined, order({ createdAt: 'yesterday' })))).toThrow(UncountableRecord);
    expect(() => incrementsOf(streamRecord(undefined, { entityType: 'payment', amount: { amount: -1, currency: 'EUR' }, createdAt: '2026-03-01T00:00:00.000Z' }))).toThrow(
      UncountableRecord,
    );
    expect(() => incrementsOf(streamRecord(undefined, { entityType: 'refund', amount: { amount: 1, currency: 'XXX' }, createdAt: '2026-03-01T00:00:00.000Z' }))).toThrow(
      UncountableRecord,
    );
    expect(() => incrementsOf(streamRecord(order(), order({ status: 'teleported' })))).toThrow(UncountableRecord);
  });
});

describe('the metrics consumer definition', () => {
  test('reaches exactly the entity types that move a metric, never a derived one', () => {
    expect([...(METRICS_CONSUMER.entityTypes ?? [])].sort()).toEqual([...METRIC_SOURCE_TYPES].sort());
    for (const derived of DERIVED_ENTITY_TYPES) expect(METRICS_CONSUMER.entityTypes).not.toContain(derived);
  });
});

describe('the daily answer', () => {
  test('every day of the range, inclusive, across month ends', () => {
    expect(datesBetween('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(datesBetween('2026-03-01', '2026-03-01')).toEqual(['2026-03-01']);
  });

  test('zeros for a day without an item; money in the requested currency; averages from sum and count', () => {
    const empty = metricsOf(undefined, 'EUR');
    expect(empty).toEqual({
      ordersCreated: 0,
      revenue: { amount: 0, currency: 'EUR' },
      paymentsCount: 0,
      refunds: { count: 0, amount: { amount: 0, currency: 'EUR' } },
      orderTransitions: { paid: 0, fulfilling: 0, shipped: 0, delivered: 0, completed: 0, cancelled: 0 },
      ticketsOpened: 0,
      ticketsResolved: 0,
      ticketResolutionTime: { count: 0, averageSeconds: null },
      approvalsDecided: { count: 0, approved: 0, rejected: 0 },
      approvalLeadTime: { count: 0, averageSeconds: null },
    });
    const item = {
      date: '2026-03-01',
      ordersCreated: 3,
      revenue_EUR: 1000,
      revenue_USD: 7,
      refundsCount: 2,
      refundsAmount_USD: 300,
      transition_paid: 2,
      approvalsApproved: 1,
      approvalsRejected: 2,
      approvalLeadMs: 4500,
      approvalLeadCount: 3,
    };
    const usd = metricsOf(item, 'USD');
    expect(usd.revenue).toEqual({ amount: 7, currency: 'USD' });
    expect(usd.refunds).toEqual({ count: 2, amount: { amount: 300, currency: 'USD' } });
    expect(usd.orderTransitions?.paid).toBe(2);
    expect(usd.approvalsDecided).toEqual({ count: 3, approved: 1, rejected: 2 });
    expect(usd.approvalLeadTime).toEqual({ count: 3, averageSeconds: 1.5 });
    expect(metricsOf(item, 'EUR', ['ordersCreated', 'revenue'])).toEqual({ ordersCreated: 3, revenue: { amount: 1000, currency: 'EUR' } });
  });

  test('refunds are counted per currency; a day counted before that keeps its count where it can be told', () => {
    const today = { date: '2026-03-02', refundsCount_EUR: 1, refundsAmount_EUR: 200, refundsCount_USD: 2, refundsAmount_USD: 300 };
    expect(metricsOf(today, 'EUR', ['refunds'])).toEqual({ refunds: { count: 1, amount: { amount: 200, currency: 'EUR' } } });
    expect(metricsOf(today, 'USD', ['refunds'])).toEqual({ refunds: { count: 2, amount: { amount: 300, currency: 'USD' } } });
    // Before: one count for every currency. Refunds of one currency only: it is theirs.
    const legacy = { date: '2026-03-01', refundsCount: 2, refundsAmount_USD: 300 };
    expect(metricsOf(legacy, 'USD', ['refunds'])).toEqual({ refunds: { count: 2, amount: { amount: 300, currency: 'USD' } } });
    expect(metricsOf(legacy, 'EUR', ['refunds'])).toEqual({ refunds: { count: 0, amount: { amount: 0, currency: 'EUR' } } });
    // A day that mixed currencies cannot be split: only what was counted per currency since.
    const mixed = { date: '2026-03-03', refundsCount: 2, refundsAmount_USD: 300, refundsAmount_EUR: 100, refundsCount_EUR: 1 };
    expect(metricsOf(mixed, 'EUR', ['refunds'])).toEqual({ refunds: { count: 1, amount: { amount: 100, currency: 'EUR' } } });
    expect(metricsOf(mixed, 'USD', ['refunds'])).toEqual({ refunds: { count: 0, amount: { amount: 300, currency: 'USD' } } });
  });
});

describe('the query', () => {
  const parse = (query: Record<string, string>) => DailyMetricsQuery.safeParse(query);

  test('a range of up to 366 days; metrics filter by name; EUR by default', () => {
    expect(parse({ from: '2026-01-01', to: '2027-01-01' }).success).toBe(true); // 366 days
    expect(parse({ from: '2026-01-01', to: '2027-01-02' }).success).toBe(false);
    expect(parse({ from: '2026-03-02', to: '2026-03-01' }).success).toBe(false);
    expect(parse({ from: '2026-02-30', to: '2026-03-01' }).success).toBe(false);
    expect(parse({ from: '2026-03-01', to: '2026-03-01' }).data).toEqual({ from: '2026-03-01', to: '2026-03-01', currency: 'EUR' });
    expect(parse({ from: '2026-03-01', to: '2026-03-01', metrics: 'revenue, refunds,revenue' }).data?.metrics).toEqual(['revenue', 'refunds']);
    const unknown = parse({ from: '2026-03-01', to: '2026-03-01', metrics: 'revenue,profit' });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]?.message).toContain('"profit"');
    expect(parse({ from: '2026-03-01', to: '2026-03-01', currency: 'XXX' }).success).toBe(false);
    expect(parse({ from: '2026-03-01', to: '2026-03-01', extra: '1' }).success).toBe(false);
    expect(METRIC_NAMES).toHaveLength(10);
  });

  test('day keys sort by date within one partition, so a range is one BETWEEN', () => {
    const range = metricKeys.dayRange('2026-01-01', '2026-12-31');
    expect(metricKeys.day('2026-06-15').sk > range.lower && metricKeys.day('2026-06-15').sk < range.upper).toBe(true);
    expect(metricKeys.day('2026-12-31').sk).toBe(range.upper);
    expect(metricKeys.day('2027-01-01').sk > range.upper).toBe(true);
    expect(metricKeys.dateOf(metricKeys.day('2026-06-15').sk)).toBe('2026-06-15');
  });
});
