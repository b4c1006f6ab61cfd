import { newId } from '../../functions/shared/ids';
import { asStaff, eur, order, payInFull, productWithStock } from '../support/commerce';
import { startTestApprovals, useOwnTable } from '../support/local-approvals';
import { createStaff } from '../support/staff';

/**
 * Payments, refunds and the double-entry ledger they post to (in the same transaction). Other test
 * files write EUR and USD postings concurrently, so tests that compare ledger totals before and after
 * work in CHF, which only this file uses.
 */
const chf = (amount: number) => ({ amount, currency: 'CHF' as const });
let admin: string;
let finance: string;
let ops: string;

// Refunds above 100.00 start an approval workflow (tests/integration/approvals.test.ts follows them through).
let approvals: Awaited<ReturnType<typeof startTestApprovals>> | undefined;
beforeAll(async () => {
  await useOwnTable('finance');
  approvals = await startTestApprovals();
  [admin, finance, ops] = await Promise.all([createStaff(['admin']), createStaff(['finance']), createStaff(['operations'])]);
});
afterAll(() => approvals?.dispose());

async function trialBalance(currency = 'EUR') {
  const res = await asStaff(finance, 'getTrialBalance', { query: { currency } });
  expect(res.status).toBe(200);
  return res.body as { accounts: Array<{ code: string; debit: number; credit: number; balance: number }>; totals: { debit: number; credit: number; balance: number } };
}

const account = (tb: Awaited<ReturnType<typeof trialBalance>>, code: string) => tb.accounts.find((a) => a.code === code)!;

afterEach(async () => {
  for (const currency of ['EUR', 'USD', 'CHF']) {
    const tb = await trialBalance(currency);
    expect(tb.totals.debit).toBe(tb.totals.credit);
    expect(tb.accounts.reduce((sum, a) => sum + a.balance, 0)).toBe(0);
  }
});

async function pendingOrder(quantity = 2, price: { amount: number; currency: string } = eur(5_000)) {
  const productId = await productWithStock(admin, 100, price as ReturnType<typeof eur>);
  return order(admin, [{ productId, quantity }]);
}

describe('payments', () => {
  it('takes partial payments, then moves the order to paid when it is fully paid; posts Dr cash / Cr revenue', async () => {
    const before = await trialBalance('CHF');
    const placed = await pendingOrder(2, chf(5_000)); // 100.00
    const partial = await asStaff(finance, 'createPayment', { params: { id: placed.id }, body: { amount: chf(4_000), method: 'bank_transfer', reference: 'SEPA-1' } });
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({ orderId: placed.id, amount: chf(4_000), method: 'bank_transfer', reference: 'SEPA-1', orderStatus: 'pending_payment', createdBy: `staff:${finance}` });
    expect((await asStaff(finance, 'getOrder', { params: { id: placed.id } })).body).toMatchObject({
      status: 'pending_payment',
      paid: chf(4_000),
      outstanding: chf(6_000),
      refundable: chf(4_000),
      version: 2,
    });
    const rest = await asStaff(finance, 'createPayment', { params: { id: placed.id }, body: { amount: chf(6_000), method: 'card' } });
    expect(rest.body.orderStatus).toBe('paid');
    const paid = (await asStaff(finance, 'getOrder', { params: { id: placed.id } })).body;
    expect(paid).toMatchObject({ status: 'paid', paid: chf(10_000), outstanding: chf(0), refundable: chf(10_000), version: 3 });
    const history = (await asStaff(finance, 'getOrderHistory', { params: { id: placed.id } })).body.items;
    expect(history.at(-1)).toMatchObject({ from: 'pending_payment', to: 'paid', actor: `staff:${finance}` });
    const after = await trialBalance('CHF');
    expect(account(after, '1000').debit - account(before, '1000').debit).toBe(10_000);
    expect(account(after, '4000').credit - account(before, '4000').credit).toBe(10_000);
    // Newest first; other test files may have posted in between, so pick this order's entries.
    const entries = (await asStaff(finance, 'listLedgerEntries', { params: { code: '1000' }, query: { limit: '100' } })).body.items.filter(
      (e: { orderId: string }) => e.orderId === placed.id,
    );
    expect(entries).toEqual([
      expect.objectContaining({ account: '1000', side: 'debit', amount: chf(6_000), source: `payment:${rest.body.id}`, transactionId: rest.body.ledgerTransactionId }),
      expect.objectContaining({ account: '1000', side: 'debit', amount: chf(4_000), source: `payment:${partial.body.id}` }),
    ]);
    const revenue = (await asStaff(finance, 'listLedgerEntries', { params: { code: '4000' }, query: { limit: '100' } })).body.items.filter(
      (e: { orderId: string }) => e.orderId === placed.id,
    );
    expect(revenue.map((e: { side: string; amount: unknown }) => [e.side, e.amount])).toEqual([['credit', chf(6_000)], ['credit', chf(4_000)]]);
  });

  it('refuses another currency (400), more than is outstanding (409), and orders that are not awaiting payment (409)', async () => {
    const placed = await pendingOrder(1);
    const usd = await asStaff(finance, 'createPayment', { params: { id: placed.id }, body: { amount: { amount: 5_000, currency: 'USD' }, method: 'card' } });
    expect(usd.status).toBe(400);
    expect(usd.body.errors).toEqual([{ path: 'body.amount.currency', message: 'Must be EUR' }]);
    const over = await asStaff(finance, 'createPayment', { params: { id: placed.id }, body: { amount: eur(5_001), method: 'card' } });
    expect(over.status).toBe(409);
    expect(over.body.type).toContain('overpayment');
    expect((await asStaff(finance, 'createPayment', { params: { id: placed.id }, body: { amount: eur(0), method: 'card' } })).status).toBe(400);
    await asStaff(ops, 'cancelOrder', { params: { id: placed.id }, body: { reason: 'test' } });
    const cancelled = await asStaff(finance, 'createPayment', { params: { id: placed.id }, body: { amount: eur(5_000), method: 'card' } });
    expect(cancelled.status).toBe(409);
    expect(cancelled.body.detail).toContain('The order is cancelled');
    expect((await asStaff(finance, 'createPayment', { params: { id: newId() }, body: { amount: eur(1), method: 'card' } })).status).toBe(404);
    expect((await asStaff(ops, 'createPayment', { params: { id: placed.id }, body: { amount: eur(1), method: 'card' } })).status).toBe(403);
  });

  it('lets only one of two concurrent settling payments through', async () => {
    const placed = await pendingOrder(1);
    const results = await Promise.all([1, 2].map(() => asStaff(finance, 'createPayment', { params: { id: placed.id }, body: { amount: eur(5_000), method: 'card' } })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect((await asStaff(finance, 'getOrder', { params: { id: placed.id } })).body).toMatchObject({ status: 'paid', paid: eur(5_000) });
  });

  it('never takes more than the total from concurrent partial payments', async () => {
    const placed = await pendingOrder(1);
    const results = await Promise.all([1, 2, 3, 4].map(() => asStaff(finance, 'createPayment', { params: { id: placed.id }, body: { amount: eur(2_000), method: 'card' } })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 409, 409]);
    expect(results.filter((r) => r.status === 201).map((r) => r.body.orderStatus)).toEqual(['pending_payment', 'pending_payment']);
    expect((await asStaff(finance, 'getOrder', { params: { id: placed.id } })).body).toMatchObject({ status: 'pending_payment', paid: eur(4_000), outstanding: eur(1_000) });
  });

  it('replays a payment retried with its Idempotency-Key instead of refusing it', async () => {
    const placed = await pendingOrder(1);
    const request = { params: { id: placed.id }, body: { amount: eur(5_000), method: 'card' }, headers: { 'idempotency-key': `pay-${placed.id}` } };
    const first = await asStaff(finance, 'createPayment', request);
    const retry = await asStaff(finance, 'createPayment', request);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect((await asStaff(finance, 'getOrder', { params: { id: placed.id } })).body.paid).toEqual(eur(5_000));
  });
});

describe('refunds', () => {
  it('refunds partially and fully, never more than was paid; posts Dr refunds / Cr cash', async () => {
    const placed = await pendingOrder(1, chf(8_000));
    await payInFull(admin, placed);
    const before = await trialBalance('CHF');
    const part = await asStaff(finance, 'createRefund', { params: { id: placed.id }, body: { amount: chf(3_000), reason: 'Damaged box' } });
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({ orderId: placed.id, amount: chf(3_000), reason: 'Damaged box', createdBy: `staff:${finance}` });
    const tooMuch = await asStaff(finance, 'createRefund', { params: { id: placed.id }, body: { amount: chf(5_001), reason: 'x' } });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.detail).toBe('The refund of 50.01 CHF exceeds the 50.00 CHF that can still be refunded');
    expect((await asStaff(finance, 'createRefund', { params: { id: placed.id }, body: { amount: chf(5_000), reason: 'Rest' } })).status).toBe(201);
    expect((await asStaff(finance, 'getOrder', { params: { id: placed.id } })).body).toMatchObject({ refunded: chf(8_000), refundable: chf(0), status: 'paid' });
    expect((await asStaff(finance, 'createRefund', { params: { id: placed.id }, body: { amount: chf(1), reason: 'x' } })).status).toBe(409);
    const after = await trialBalance('CHF');
    expect(account(after, '4100').debit - account(before, '4100').debit).toBe(8_000);
    expect(account(after, '1000').credit - account(before, '1000').credit).toBe(8_000);
  });

  it('never refunds more than was paid, even under concurrent requests', async () => {
    const placed = await pendingOrder(1, eur(10_000));
    await payInFull(admin, placed);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => asStaff(finance, 'createRefund', { params: { id: placed.id }, body: { amount: eur(3_000), reason: `r${i}` } })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 409)).toHaveLength(5);
    expect((await asStaff(finance, 'getOrder', { params: { id: placed.id } })).body).toMatchObject({ refunded: eur(9_000), refundable: eur(1_000) });
  });

  it('holds refunds above 100.00 for an approval (202), leaving the order as it is meanwhile', async () => {
    const placed = await pendingOrder(3); // 150.00
    await payInFull(admin, placed);
    const big = await asStaff(finance, 'createRefund', { params: { id: placed.id }, body: { amount: eur(10_001), reason: 'All of it' } });
    expect(big.status).toBe(202);
    expect(big.body.approval).toMatchObject({ kind: 'refund', status: 'pending', subject: { orderId: placed.id, amount: eur(10_001) }, steps: [{ role: 'finance' }] });
    expect((await asStaff(finance, 'getOrder', { params: { id: placed.id } })).body).toMatchObject({ refunded: eur(0), refundable: eur(15_000) });
    expect((await asStaff(finance, 'createRefund', { params: { id: placed.id }, body: { amount: eur(10_000), reason: 'Most of it' } })).status).toBe(201);
  });

  it('refuses another currency (400), unknown orders (404) and unpaid orders (409)', async () => {
    const placed = await pendingOrder(1);
    expect((await asStaff(finance, 'createRefund', { params: { id: placed.id }, body: { amount: { amount: 100, currency: 'GBP' }, reason: 'x' } })).status).toBe(400);
    expect((await asStaff(finance, 'createRefund', { params: { id: newId() }, body: { amount: eur(100), reason: 'x' } })).status).toBe(404);
    expect((await asStaff(finance, 'createRefund', { params: { id: placed.id }, body: { amount: eur(100), reason: 'x' } })).status).toBe(409);
  });
});

describe('ledger', () => {
  it('lists the chart of accounts with balances per currency', async () => {
    const usdProduct = await productWithStock(admin, 5, { amount: 2_000, currency: 'USD' } as never);
    const placed = await order(admin, [{ productId: usdProduct, quantity: 1 }]);
    await payInFull(admin, placed);
    const accounts = await asStaff(finance, 'listLedgerAccounts');
    expect(accounts.status).toBe(200);
    expect(accounts.body.items.map((a: { code: string }) => a.code)).toEqual(['1000', '4000', '4100']);
    const cash = accounts.body.items[0];
    expect(cash).toMatchObject({ name: 'Cash', type: 'asset', normalSide: 'debit' });
    expect(cash.balances.find((b: { currency: string }) => b.currency === 'USD').debit).toBeGreaterThanOrEqual(2_000);
  });

  it('without a currency, answers the trial balance of every currency held, each as its own form answers it', async () => {
    const usdProduct = await productWithStock(admin, 5, { amount: 2_000, currency: 'USD' } as never);
    await payInFull(admin, await order(admin, [{ productId: usdProduct, quantity: 1 }]));
    const chfOrder = await pendingOrder(1, chf(3_000));
    await payInFull(admin, chfOrder);
    const all = await asStaff(finance, 'getTrialBalance', {});
    expect(all.status).toBe(200);
    const currencies = all.body.currencies as Array<{ currency: string; totals: { debit: number; credit: number; balance: number } }>;
    expect(currencies.map((tb) => tb.currency)).toEqual([...currencies.map((tb) => tb.currency)].sort());
    expect(currencies.map((tb) => tb.currency)).toEqual(expect.arrayContaining(['CHF', 'USD']));
    for (const tb of currencies) {
      expect(tb.totals.debit).toBe(tb.totals.credit);
      expect(tb).toEqual(await trialBalance(tb.currency));
    }
  });

  it('validates account codes and the trial balance currency', async () => {
    expect((await asStaff(finance, 'listLedgerEntries', { params: { code: '9999' } })).status).toBe(400);
    const wrong = await asStaff(finance, 'getTrialBalance', { query: { currency: 'XXX' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].message).toMatch(/^Invalid option: expected one of "EUR"/);
    expect((await asStaff(ops, 'getTrialBalance', { query: { currency: 'EUR' } })).status).toBe(403);
  });
});
