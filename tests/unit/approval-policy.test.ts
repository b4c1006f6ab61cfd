import { approvalKinds, DEFAULT_POLICY } from '../../functions/approval-kinds';
import { policyProblems, stepsFor } from '../../functions/approvals/policy';
import { priceChangePercent } from '../../functions/catalog/price-change-approval';
import type { KindPolicy, PolicyStep } from '../../functions/approvals/schemas';
import { PolicyDocument } from '../../functions/approvals/schemas';

/** Policy evaluation: thresholds → steps (the defaults of docs/architecture.md#approvals). */
const roles = (steps: PolicyStep[]) => steps.map((s) => s.role);
const { refund, price_change: priceChange, stock_write_off: writeOff, content_publish: publish, admin_role_grant: adminGrant } = DEFAULT_POLICY.kinds;

describe('the default policy', () => {
  it.each([
    [5_000, []],
    [10_000, []],
    [10_001, ['finance']],
    [50_000, ['finance']],
    [100_000, ['finance']],
    [100_001, ['finance', 'admin']],
    [500_000, ['finance', 'admin']],
  ])('a refund of %i minor units needs %j', (amount, expected) => {
    expect(roles(stepsFor(refund, amount))).toEqual(expected);
  });

  it.each([
    [0, []],
    [20, []],
    [20.01, ['admin']],
    [Number.POSITIVE_INFINITY, ['admin']],
  ])('a price change of %d %% needs %j', (percent, expected) => {
    expect(roles(stepsFor(priceChange, percent))).toEqual(expected);
  });

  it.each([
    [99, []],
    [100, ['operations']],
    [1_000, ['operations']],
  ])('a write-off of %i units needs %j', (units, expected) => {
    expect(roles(stepsFor(writeOff, units))).toEqual(expected);
  });

  it('always asks an editor to publish and an admin to grant admin', () => {
    expect(roles(stepsFor(publish, undefined))).toEqual(['editor']);
    expect(roles(stepsFor(adminGrant, undefined))).toEqual(['admin']);
  });

  it('is a valid policy document naming only built-in roles', () => {
    expect(PolicyDocument.safeParse(DEFAULT_POLICY).success).toBe(true);
    expect(policyProblems(DEFAULT_POLICY, (role) => ['admin', 'finance', 'operations', 'editor'].includes(role), approvalKinds.measures)).toEqual([]);
  });

  it('escalates finance and operations to admin on timeout; admin steps reject', () => {
    expect(stepsFor(refund, 10_001)[0]).toMatchObject({ role: 'finance', onTimeout: { escalateTo: 'admin' } });
    expect(stepsFor(refund, 100_001)[1]).toMatchObject({ role: 'admin', onTimeout: 'reject' });
    expect(stepsFor(writeOff, 100)[0]).toMatchObject({ onTimeout: { escalateTo: 'admin' } });
  });
});

describe('stepsFor', () => {
  const step = (role: string): PolicyStep => ({ role, timeoutSeconds: 60, onTimeout: 'reject' });

  it('takes the matching rule with the highest threshold, whatever the order', () => {
    const policy: KindPolicy = { rules: [{ above: 100, steps: [step('b')] }, { steps: [step('always')] }, { atLeast: 10, steps: [step('a')] }] };
    expect(roles(stepsFor(policy, 5))).toEqual(['always']);
    expect(roles(stepsFor(policy, 10))).toEqual(['a']);
    expect(roles(stepsFor(policy, 101))).toEqual(['b']);
  });

  it('needs no approval without rules, and never matches a threshold without a measure', () => {
    expect(stepsFor({ rules: [] }, 1_000_000)).toEqual([]);
    expect(stepsFor({ rules: [{ above: 0, steps: [step('a')] }] }, undefined)).toEqual([]);
  });

  it('returns copies, so a stored approval never shares the policy’s objects', () => {
    const policy: KindPolicy = { rules: [{ steps: [step('a')] }] };
    const steps = stepsFor(policy, undefined);
    steps[0]!.role = 'changed';
    expect(policy.rules[0]!.steps[0]!.role).toBe('a');
  });
});

describe('policy validation', () => {
  it('names unknown roles, self-escalation and thresholds on kinds without a measure', () => {
    const policy = {
      kinds: {
        ...DEFAULT_POLICY.kinds,
        refund: { rules: [{ above: 1, steps: [{ role: 'treasury', timeoutSeconds: 60, onTimeout: { escalateTo: 'board' } }] }] },
        price_change: { rules: [{ above: 1, steps: [{ role: 'admin', timeoutSeconds: 60, onTimeout: { escalateTo: 'admin' } }] }] },
        content_publish: { rules: [{ atLeast: 1, steps: [{ role: 'editor', timeoutSeconds: 60, onTimeout: 'reject' as const }] }] },
      },
    };
    expect(policyProblems(policy, (role) => ['admin', 'editor', 'operations'].includes(role), approvalKinds.measures)).toEqual([
      { path: 'body.kinds.refund.rules.0.steps.0.role', message: 'Unknown role treasury' },
      { path: 'body.kinds.refund.rules.0.steps.0.onTimeout.escalateTo', message: 'Unknown role board' },
      { path: 'body.kinds.price_change.rules.0.steps.0.onTimeout.escalateTo', message: 'Escalate to another role' },
      { path: 'body.kinds.content_publish.rules.0', message: 'content_publish has no measure to compare a threshold with' },
    ]);
  });

  it('refuses unknown kinds, missing kinds, both thresholds and out-of-range timeouts', () => {
    expect(PolicyDocument.safeParse({ kinds: { ...DEFAULT_POLICY.kinds, rocket_launch: { rules: [] } } }).success).toBe(false);
    const { refund: _r, ...missing } = DEFAULT_POLICY.kinds;
    expect(PolicyDocument.safeParse({ kinds: missing }).success).toBe(false);
    const both = { rules: [{ above: 1, atLeast: 1, steps: [{ role: 'admin', timeoutSeconds: 60, onTimeout: 'reject' }] }] };
    expect(PolicyDocument.safeParse({ kinds: { ...DEFAULT_POLICY.kinds, refund: both } }).success).toBe(false);
    const forever = { rules: [{ steps: [{ role: 'admin', timeoutSeconds: 400 * 24 * 3600, onTimeout: 'reject' }] }] };
    expect(PolicyDocument.safeParse({ kinds: { ...DEFAULT_POLICY.kinds, admin_role_grant: forever } }).success).toBe(false);
  });
});

describe('priceChangePercent', () => {
  const eur = (amount: number) => ({ amount, currency: 'EUR' });
  it('measures the change up or down in percent of the current price', () => {
    expect(priceChangePercent(eur(1_000), eur(1_200))).toBe(20);
    expect(priceChangePercent(eur(1_000), eur(800))).toBe(20);
    expect(priceChangePercent(eur(1_000), eur(1_000))).toBe(0);
    expect(priceChangePercent(eur(1_999), eur(2_499))).toBeCloseTo(25.01, 2);
  });
  it('treats a change from zero or of currency as unbounded', () => {
    expect(priceChangePercent(eur(0), eur(1))).toBe(Number.POSITIVE_INFINITY);
    expect(priceChangePercent(eur(100), { amount: 100, currency: 'USD' })).toBe(Number.POSITIVE_INFINITY);
  });
});
