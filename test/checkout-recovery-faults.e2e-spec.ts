import { TestPlatform, asOperator, eventually } from '@app/testing';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { UrlOf, checkoutBody, onboardMerchant, openAccount } from './support/checkout-fixtures';
import { closeConnections } from './support/http';
import { FinalCheckout, Modes, RECOVERY_ENV, RecoveryProbe } from './support/checkout-recovery-support';

const LIMIT = 100_000;

/** Outages and random fault schedules at the provider: every checkout ends final, and the money adds up. */
describe('Checkout recovery under provider faults, end to end', () => {
  let platform: TestPlatform;
  let probe: RecoveryProbe;
  let urlOf: UrlOf;
  let merchantId: string;

  beforeAll(async () => {
    platform = await TestPlatform.start(['account', 'merchant', 'fraud', 'payment-provider', 'checkout'], RECOVERY_ENV);
    probe = new RecoveryProbe(platform);
    urlOf = (service) => platform.url(service);
    merchantId = await onboardMerchant(urlOf);
  }, 120_000);

  afterEach(() => probe.provider('normal'));

  afterAll(async () => {
    closeConnections();
    await platform?.stop();
  });

  const post = (accountId: string, amount: number) =>
    probe.call('checkout', 'POST', '/checkouts', checkoutBody(accountId, merchantId, amount), { 'idempotency-key': randomUUID() });

  /** Every checkout agrees with the account and the provider, and each account's money adds up to its completed checkouts. */
  async function expectMoneyAddsUp(finals: FinalCheckout[]): Promise<void> {
    for (const accountId of new Set(finals.map((f) => f.accountId))) {
      const mine = finals.filter((f) => f.accountId === accountId);
      const money = await probe.moneyOf(accountId);
      for (const checkout of mine) await probe.expectAgreement(checkout, money);
      const charges = [...money.charged.values()].reduce((sum, amount) => sum + amount, 0);
      const refunds = [...money.refunded].reduce((sum, id) => sum + (money.charged.get(id) ?? 0), 0);
      const completed = mine.filter((f) => f.status === 'completed').reduce((sum, f) => sum + f.total, 0);
      expect({ accountId, chargesMinusRefunds: charges - refunds }).toEqual({ accountId, chargesMinusRefunds: completed });
      await probe.balanceBecomes(accountId, LIMIT - completed);
    }
  }

  /** Calls the provider refused while down (payment_provider_operations_total{outcome="PROVIDER_UNAVAILABLE"}), all operations. */
  const refusedWhileDown = async (): Promise<number> => {
    const metrics = await (await fetch(`${platform.url('payment-provider')}/metrics`, asOperator())).text();
    return [...metrics.matchAll(/^payment_provider_operations_total\{[^}]*outcome="PROVIDER_UNAVAILABLE"[^}]*\} (\d+)/gm)].reduce(
      (sum, [, count]) => sum + Number(count),
      0,
    );
  };

  it('ends all of 50 concurrent checkouts after a provider outage their recovery kept meeting, charging exactly the completed ones', async () => {
    const accounts: string[] = [];
    for (let i = 0; i < 10; i++) accounts.push(await openAccount(urlOf, LIMIT));
    // Staggered around the start of the outage, so that it catches checkouts at every step.
    const answers: Promise<Awaited<ReturnType<typeof post>>>[] = [];
    for (let i = 0; i < 50; i++) {
      if (i === 25) {
        await answers[0];
        await probe.provider({ authorise: 'down', capture: 'down', void: 'down', lookup: 'down' });
      }
      answers.push(post(accounts[i % accounts.length], 1_000 + i));
      await sleep(15);
    }
    const settled = await Promise.all(answers);
    expect(settled.filter((a) => a.status !== 200 && a.status !== 202)).toEqual([]);
    expect(settled.filter((a) => a.status === 202).length).toBeGreaterThan(0);
    // The outage lasts until the recovery has met it again and again: three refusals per unfinished checkout.
    const pending = settled.filter((a) => a.status === 202).length;
    await eventually(async () => (await refusedWhileDown()) >= 3 * pending, 60_000, 250);
    await probe.provider('normal');
    const finals = await Promise.all(
      settled.map(async (a, i) => ({ ...(await probe.final(a.body.checkoutId, 90_000)), accountId: accounts[i % accounts.length] })),
    );
    await expectMoneyAddsUp(finals);
  }, 200_000);

  it('holds the invariants under random fault schedules over every step (fast-check)', async () => {
    const mode = fc.constantFrom('ok', 'ok', 'fail', 'timeout', 'lost', 'down');
    const phase = fc.record({
      modes: fc.record({ authorise: mode, capture: mode, void: mode, lookup: mode }),
      ms: fc.integer({ min: 0, max: 3_000 }),
    });
    const schedule = fc.record({ phases: fc.array(phase, { minLength: 1, maxLength: 3 }), checkouts: fc.integer({ min: 1, max: 3 }) });
    await fc.assert(
      fc.asyncProperty(schedule, async ({ phases, checkouts }) => {
        const accountId = await openAccount(urlOf, LIMIT);
        await probe.provider(phases[0].modes as Modes);
        const answers = Promise.all(Array.from({ length: checkouts }, (_, i) => post(accountId, 700 + i)));
        for (const [i, { modes, ms }] of phases.entries()) {
          if (i > 0) await probe.provider(modes as Modes);
          await sleep(ms);
        }
        await probe.provider('normal');
        const settled = await answers;
        expect(settled.filter((a) => a.status !== 200 && a.status !== 202)).toEqual([]);
        const finals = await Promise.all(settled.map(async (a) => ({ ...(await probe.final(a.body.checkoutId, 60_000)), accountId })));
        await expectMoneyAddsUp(finals);
      }),
      { numRuns: Number(process.env.CHECKOUT_FAULT_RUNS ?? 12), seed: Number(process.env.CHECKOUT_FAULT_SEED ?? 14), endOnFailure: true },
    );
  }, 600_000);
});
