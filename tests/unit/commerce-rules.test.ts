import { assertBalanced, paymentPosting, refundPosting, trialBalance, UnbalancedPosting } from '../../functions/finance/ledger';
import { maskEmail, maskPhone } from '../../functions/shared/pii';
import { canTransition, illegalTransition, sourcesOf, TRANSITIONS } from '../../functions/orders/lifecycle';
import { timeBounds } from '../../functions/orders/orders';
import { ORDER_STATUSES } from '../../functions/orders/schemas';
import { fingerprintOf } from '../../functions/shared/idempotency';
import { orderKeys } from '../../functions/shared/keys';

describe('order lifecycle', () => {
  it('follows pending_payment → paid → fulfilling → shipped → delivered → completed; cancels only before shipping', () => {
    expect(TRANSITIONS).toEqual({
      pending_payment: ['paid', 'cancelled'],
      paid: ['fulfilling', 'shipped', 'cancelled'],
      fulfilling: ['shipped', 'cancelled'],
      shipped: ['delivered'],
      delivered: ['completed'],
      completed: [],
      cancelled: [],
    });
    expect(sourcesOf('cancelled')).toEqual(['pending_payment', 'paid', 'fulfilling']);
    for (const from of ORDER_STATUSES) expect(canTransition(from, 'pending_payment')).toBe(false);
  });

  it('names the current state in a 409', () => {
    const problem = illegalTransition('shipped', 'cancelled');
    expect(problem.status).toBe(409);
    expect(problem.detail).toBe('The order is shipped: only an order that is pending_payment or paid or fulfilling can be cancelled');
  });
});

describe('ledger', () => {
  const base = { id: 'T1', currency: 'EUR' as const, orderId: 'O1', at: '2026-01-01T00:00:00.000Z', amount: 1_234 };

  it('posts payments as Dr cash / Cr revenue and refunds as Dr refunds / Cr cash', () => {
    expect(paymentPosting({ ...base, paymentId: 'P1' })).toMatchObject({
      source: 'payment:P1',
      lines: [
        { account: '1000', side: 'debit', amount: 1_234 },
        { account: '4000', side: 'credit', amount: 1_234 },
      ],
    });
    expect(refundPosting({ ...base, refundId: 'R1' }).lines).toEqual([
      { account: '4100', side: 'debit', amount: 1_234 },
      { account: '1000', side: 'credit', amount: 1_234 },
    ]);
  });

  it('refuses unbalanced, non-positive or one-sided postings', () => {
    const posting = { id: 'T', currency: 'EUR' as const, orderId: 'O', source: 's', at: base.at };
    expect(() => assertBalanced({ ...posting, lines: [{ account: '1000', side: 'debit', amount: 5 }, { account: '4000', side: 'credit', amount: 4 }] })).toThrow(UnbalancedPosting);
    expect(() => assertBalanced({ ...posting, lines: [{ account: '1000', side: 'debit', amount: 0 }, { account: '4000', side: 'credit', amount: 0 }] })).toThrow(UnbalancedPosting);
    expect(() => assertBalanced({ ...posting, lines: [{ account: '1000', side: 'debit', amount: 5 }, { account: '1000', side: 'credit', amount: 5 }] })).toThrow(UnbalancedPosting);
    expect(() => paymentPosting({ ...base, amount: 0, paymentId: 'P' })).toThrow(UnbalancedPosting);
  });

  it('builds a trial balance over the whole chart whose debits equal its credits', () => {
    const tb = trialBalance('EUR', [
      { code: '1000', currency: 'EUR', debit: 10_000, credit: 2_000 },
      { code: '4000', currency: 'EUR', debit: 0, credit: 10_000 },
      { code: '4100', currency: 'EUR', debit: 2_000, credit: 0 },
      { code: '1000', currency: 'USD', debit: 99, credit: 0 },
    ]);
    expect(tb).toEqual({
      currency: 'EUR',
      accounts: [
        { code: '1000', name: 'Cash', debit: 10_000, credit: 2_000, balance: 8_000 },
        { code: '4000', name: 'Sales revenue', debit: 0, credit: 10_000, balance: -10_000 },
        { code: '4100', name: 'Refunds', debit: 2_000, credit: 0, balance: 2_000 },
      ],
      totals: { debit: 12_000, credit: 12_000, balance: 0 },
    });
    expect(trialBalance('GBP', []).totals).toEqual({ debit: 0, credit: 0, balance: 0 });
  });
});

describe('customer masking', () => {
  it('masks emails and all but the last two digits of phone numbers', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@example.com');
    expect(maskEmail('x@y.org')).toBe('x***@y.org');
    expect(maskPhone('+49 170 1234567')).toBe('+** *** *****67');
    expect(maskPhone('12')).toBe('12');
  });
});

describe('idempotency fingerprints', () => {
  it('ignore key order but not values, routes or path parameters', () => {
    const a = fingerprintOf('createOrder', undefined, { customerId: 'C', lines: [{ productId: 'P', quantity: 1 }] });
    expect(fingerprintOf('createOrder', undefined, { lines: [{ quantity: 1, productId: 'P' }], customerId: 'C' })).toBe(a);
    expect(fingerprintOf('createOrder', undefined, { customerId: 'C', lines: [{ productId: 'P', quantity: 2 }] })).not.toBe(a);
    expect(fingerprintOf('partnerCreateOrder', undefined, { customerId: 'C', lines: [{ productId: 'P', quantity: 1 }] })).not.toBe(a);
    expect(fingerprintOf('createPayment', { id: '1' }, { x: 1 })).not.toBe(fingerprintOf('createPayment', { id: '2' }, { x: 1 }));
  });
});

describe('order list ranges', () => {
  it('turns dates into whole UTC days and timestamps into normalized bounds', () => {
    expect(timeBounds('2026-03-01', '2026-03-31')).toEqual({ from: '2026-03-01T00:00:00.000Z', to: '2026-03-31T23:59:59.999Z' });
    expect(timeBounds('2026-03-01T10:00:00Z', undefined)).toEqual({ from: '2026-03-01T10:00:00.000Z' });
    expect(() => timeBounds('2026-03-02', '2026-03-01')).toThrow('from must not be after to');
  });

  it('bounds index sort keys so an order created exactly at `to` is inside and a later one is not', () => {
    const range = orderKeys.ownedRange('2026-03-01T00:00:00.000Z', '2026-03-31T23:59:59.999Z');
    const key = (at: string) => orderKeys.byCustomer('C', at, '01JDEM0C0000000000000000C1').gsi2sk;
    const inside = (sk: string) => sk >= range.lower && sk <= range.upper;
    expect(inside(key('2026-03-31T23:59:59.999Z'))).toBe(true);
    expect(inside(key('2026-03-01T00:00:00.000Z'))).toBe(true);
    expect(inside(key('2026-04-01T00:00:00.000Z'))).toBe(false);
    expect(inside(key('2026-02-28T23:59:59.999Z'))).toBe(false);
    expect(orderKeys.byStatusRange(undefined, undefined)).toEqual({ lower: '', upper: '~' });
  });
});
