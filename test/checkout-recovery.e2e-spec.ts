import { eventually, TEST_OPS_TOKEN, TestPlatform } from '@app/testing';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { COMPLETED_STEPS, UrlOf, checkoutBody, onboardMerchant, openAccount, stepsOf, waitFor } from './support/checkout-fixtures';
import { closeConnections } from './support/http';
import { RECOVERY_ENV, RecoveryProbe } from './support/checkout-recovery-support';

/** A checkout that cannot finish within its request is finished by the platform, with no caller retry. */
describe('Checkout recovery, end to end', () => {
  let platform: TestPlatform;
  let probe: RecoveryProbe;
  let urlOf: UrlOf;
  let merchantId: string;

  beforeAll(async () => {
    platform = await TestPlatform.start(['account', 'merchant', 'fraud', 'payment-provider', 'checkout', 'ops'], RECOVERY_ENV);
    probe = new RecoveryProbe(platform);
    urlOf = (service) => platform.url(service);
    merchantId = await onboardMerchant(urlOf);
  }, 120_000);

  afterEach(() => probe.provider('normal'));

  afterAll(async () => {
    closeConnections();
    await platform?.stop();
  });

  const post = (accountId: string, amount: number, key = randomUUID()) =>
    probe.call('checkout', 'POST', '/checkouts', checkoutBody(accountId, merchantId, amount), { 'idempotency-key': key });

  it('answers 202 when the capture times out, and completes by itself once the provider answers again', async () => {
    const accountId = await openAccount(urlOf, 10_000);
    await probe.provider({ capture: 'timeout' });
    const response = await fetch(`${platform.url('checkout')}/checkouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), authorization: `Bearer ${TEST_OPS_TOKEN}` },
      body: JSON.stringify(checkoutBody(accountId, merchantId, 2_500)),
    });
    const { checkoutId, ...rest } = (await response.json()) as { checkoutId: string };
    expect({ status: response.status, rest, location: response.headers.get('location') }).toEqual({
      status: 202,
      rest: { status: 'pending' },
      location: `/checkouts/${checkoutId}`,
    });
    const pending = await waitFor(
      async () => {
        const view = await probe.call('checkout', 'GET', `/checkouts/${checkoutId}/internal`);
        return view.body.lastError ? view.body : undefined;
      },
      'the last error to show',
      20_000,
    );
    expect(pending).toMatchObject({
      status: 'pending',
      stage: 'charged',
      step: 'capture',
      lastError: expect.stringContaining('PAYMENT_PROVIDER_UNAVAILABLE'),
    });
    await probe.provider('normal');
    const final = await probe.final(checkoutId, 60_000);
    expect(final).toMatchObject({ status: 'completed', total: 2_500 });
    await probe.expectAgreement({ ...final, accountId }, await probe.moneyOf(accountId));
    await probe.balanceBecomes(accountId, 7_500);
  }, 90_000);

  it('compensates by itself a checkout whose capture never stops timing out, once past its deadline (within 60 s)', async () => {
    const accountId = await openAccount(urlOf, 10_000);
    await probe.provider({ capture: 'timeout' });
    const answer = await post(accountId, 1_000);
    expect(answer.status).toBe(202);
    expect(answer.body.status).toBe('pending');
    const final = await probe.final(answer.body.checkoutId, 60_000);
    expect(final).toMatchObject({ status: 'rejected', reason: 'DEADLINE_EXCEEDED', compensation: { refunded: true, voided: true } });
    await probe.expectAgreement({ ...final, accountId }, await probe.moneyOf(accountId));
    await probe.balanceBecomes(accountId, 10_000);
  }, 90_000);

  it('finishes a checkout whose process was SIGKILLed between charge and capture, after the restart and with no retry', async () => {
    const accountId = await openAccount(urlOf, 10_000);
    await probe.provider({ capture: 'timeout' });
    const answer = await post(accountId, 1_200);
    expect(answer.status).toBe(202);
    const { checkoutId } = answer.body;
    await waitFor(
      async () => (await probe.call('checkout', 'GET', `/checkouts/${checkoutId}/internal`)).body.stage === 'charged',
      'the charge',
      20_000,
    );
    await platform.stopService('checkout', 'SIGKILL');
    await probe.provider('normal');
    await platform.startService('checkout');
    const final = await probe.final(checkoutId, 60_000);
    expect(final).toMatchObject({ status: 'completed', total: 1_200 });
    await probe.expectAgreement({ ...final, accountId }, await probe.moneyOf(accountId));
    await probe.balanceBecomes(accountId, 8_800);
  }, 120_000);

  it('runs one recovery worker among two Checkout processes, and the other takes over when the active one dies', async () => {
    const leaderOf = async (url: string) =>
      Number(/^checkout_recovery_leader (\d)/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1]);
    const second = await platform.startInstance('checkout');
    let firstKilled = false;
    try {
      expect([await leaderOf(platform.url('checkout')), await leaderOf(second.url)].sort()).toEqual([0, 1]);
      const accountId = await openAccount(urlOf, 10_000);
      await probe.provider({ capture: 'timeout' });
      const answer = await post(accountId, 600);
      expect(answer.status).toBe(202);
      await probe.provider('normal');
      // Kill whichever process leads; the survivor must become the worker and finish the checkout.
      const firstLeads = (await leaderOf(platform.url('checkout'))) === 1;
      if (firstLeads) await platform.stopService('checkout', 'SIGKILL');
      else await second.stop('SIGKILL');
      firstKilled = firstLeads;
      const survivor = firstLeads ? second.url : platform.url('checkout');
      await waitFor(async () => (await leaderOf(survivor)) === 1, 'the survivor to lead', 15_000);
      const final = await probe.final(answer.body.checkoutId, 60_000, survivor);
      expect(final).toMatchObject({ status: 'completed' });
      await probe.expectAgreement({ ...final, accountId }, await probe.moneyOf(accountId));
    } finally {
      if (firstKilled) await platform.startService('checkout');
      await second.stop();
    }
  }, 120_000);

  it('neither captures twice nor orphans an authorisation when the provider’s answers to authorise and capture are lost', async () => {
    const accountId = await openAccount(urlOf, 10_000);
    await probe.provider({ authorise: 'lost', capture: 'lost' });
    const answer = await post(accountId, 900);
    expect(answer.status).toBe(202);
    const { checkoutId } = answer.body;
    // The authorisation exists although its answer never arrived; nothing is recorded for it yet.
    expect(await probe.authorisationOf(checkoutId)).toMatchObject({ status: 'authorised' });
    // The worker finds it by key, charges, captures (answer lost again) and then finds the capture.
    const final = await probe.final(checkoutId, 60_000);
    expect(final).toMatchObject({ status: 'completed', total: 900 });
    const money = await probe.moneyOf(accountId);
    expect([...money.charged.keys()]).toEqual([checkoutId]);
    await probe.expectAgreement({ ...final, accountId }, money);
    const view = await probe.call('checkout', 'GET', `/checkouts/${checkoutId}/internal`);
    expect(stepsOf(view.body)).toEqual(COMPLETED_STEPS);
    const metrics = await (await fetch(`${platform.url('payment-provider')}/metrics`)).text();
    expect(metrics).toMatch(/payment_provider_operations_total\{operation="capture",outcome="lost"\} [1-9]/);
  }, 90_000);

  it('shows unfinished checkouts in Ops (API, CLI, metrics) and lets an operator force one to compensate, audited', async () => {
    const accountId = await openAccount(urlOf, 10_000);
    await probe.provider({ capture: 'timeout' });
    const answer = await post(accountId, 1_500);
    expect(answer.status).toBe(202);
    const { checkoutId } = answer.body;
    const listed = await waitFor(
      async () => {
        const unfinished = await probe.call('ops', 'GET', '/checkouts/unfinished');
        const mine = unfinished.body.checkouts?.find((c: { checkoutId: string }) => c.checkoutId === checkoutId);
        return mine?.lastError ? { unfinished: unfinished.body, mine } : undefined;
      },
      'Ops to list the checkout with its last error',
      20_000,
    );
    expect(listed.unfinished.count).toBeGreaterThanOrEqual(1);
    expect(listed.unfinished.oldestAgeSeconds).toBeGreaterThan(0);
    expect(listed.mine).toMatchObject({ step: 'capture', attempts: expect.any(Number) });
    const metrics = await (await fetch(`${platform.url('ops')}/metrics`)).text();
    expect(Number(/^ops_unfinished_checkouts (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/^ops_unfinished_checkout_oldest_seconds ([\d.]+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    const cli = await promisify(execFile)(
      process.execPath,
      [join(process.cwd(), 'dist/apps/ops/cli.js'), 'unfinished', '--url', platform.url('ops')],
      {
        env: { ...process.env, OPS_TOKEN: 'test-ops-token' },
      },
    );
    expect(cli.stdout).toContain(checkoutId);
    expect(cli.stdout).toMatch(/unfinished checkout\(s\); the oldest started/);

    // A named operator forces it; a header naming someone else changes nothing.
    const ada = { authorization: `Bearer ${await platform.addOperator('ada', 'operator')}`, 'x-operator': 'mallory' };
    const forced = await probe.call('ops', 'POST', `/checkouts/${checkoutId}/compensate`, undefined, ada);
    expect([200, 202]).toContain(forced.status);
    const final = await probe.final(checkoutId, 30_000);
    expect(final).toMatchObject({ status: 'rejected', reason: 'OPERATOR_COMPENSATED', compensation: { refunded: true, voided: true } });
    await probe.expectAgreement({ ...final, accountId }, await probe.moneyOf(accountId));
    // Without any credential (send would present the operator's).
    const anonymous = await fetch(`${platform.url('checkout')}/checkouts/${checkoutId}/compensate`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    const again = await probe.call('ops', 'POST', `/checkouts/${checkoutId}/compensate`, undefined, ada);
    expect(again).toMatchObject({ status: 409, body: { code: 'CHECKOUT_ALREADY_FINAL' } });

    const ops = new Client({ connectionString: platform.databaseUrl('ops') });
    const checkout = new Client({ connectionString: platform.databaseUrl('checkout') });
    await Promise.all([ops.connect(), checkout.connect()]);
    try {
      // Both requests, the refused one too, each recorded once it is answered.
      const actions = await eventually(
        async () => {
          const { rows } = await ops.query(`SELECT actor, action, outcome FROM ops.operator_actions WHERE target = $1 ORDER BY id`, [
            checkoutId,
          ]);
          return rows.length === 2 ? rows : undefined;
        },
        10_000,
        100,
      );
      expect(actions).toEqual([
        { actor: 'ada', action: 'checkout.compensate', outcome: forced.status },
        { actor: 'ada', action: 'checkout.compensate', outcome: 409 },
      ]);
      // Checkout records the operator Ops authenticated as the one who decided it.
      const { rows } = await checkout.query(
        `SELECT metadata->>'actor' AS actor FROM checkout.events WHERE stream_id = $1 AND type = 'CheckoutAbandoned'`,
        [`checkout-${checkoutId}`],
      );
      expect(rows).toEqual([{ actor: 'operator:ada' }]);
    } finally {
      await Promise.all([ops.end(), checkout.end()]);
    }
  }, 90_000);
});
