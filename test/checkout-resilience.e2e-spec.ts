import { TestPlatform } from '@app/testing';
import { randomUUID } from 'node:crypto';
import {
  COMPLETED_STEPS,
  UrlOf,
  checkoutBody,
  onboardMerchant,
  openAccount,
  postCheckout,
  purchasesOf,
  stepsOf,
  waitFor,
} from './support/checkout-fixtures';
import { closeConnections, send } from './support/http';

/** Checkout when things go wrong: a failing capture, duplicate requests, a service that is down. */
describe('Checkout resilience, end to end', () => {
  let platform: TestPlatform;
  let urlOf: UrlOf;
  let merchantId: string;

  beforeAll(async () => {
    // Twice the default request budget: twenty requests of one key on a second, just started process
    // must all wait for the one that drives it, on a CI machine running other specs beside this one.
    platform = await TestPlatform.start(['account', 'merchant', 'fraud', 'payment-provider', 'checkout'], {
      CHECKOUT_REQUEST_BUDGET_MS: '10000',
    });
    urlOf = (service) => platform.url(service);
    merchantId = await onboardMerchant(urlOf);
  });

  afterAll(async () => {
    closeConnections();
    await platform?.stop();
  });

  /** Runs `action` while the provider simulator behaves as `behaviour` says, then puts it back. */
  async function withProvider<T>(behaviour: object, action: () => Promise<T>): Promise<T> {
    expect((await send(urlOf('payment-provider'), 'PUT', '/test/behaviour', behaviour)).status).toBe(200);
    try {
      return await action();
    } finally {
      await send(urlOf('payment-provider'), 'DELETE', '/test/behaviour');
    }
  }

  it('compensates a failed capture: refunds the purchase, voids the authorisation and says so', async () => {
    const accountId = await openAccount(urlOf, 10_000);
    const answer = await withProvider({ capture: { mode: 'fail' } }, () =>
      postCheckout(urlOf, randomUUID(), checkoutBody(accountId, merchantId, 2_500)),
    );
    expect(answer).toMatchObject({
      status: 200,
      body: { status: 'rejected', reason: 'CAPTURE_FAILED', compensation: { refunded: true, voided: true }, total: 2_500 },
    });
    const { checkoutId } = answer.body;
    expect(await purchasesOf(urlOf, accountId)).toEqual({ charged: [checkoutId], refunded: [checkoutId] });
    const view = await send(urlOf('checkout'), 'GET', `/checkouts/${checkoutId}/internal`);
    expect(view.body.steps.map((s: { step: string }) => s.step)).toEqual([
      'CheckoutStarted',
      'PaymentAuthorised',
      'AccountCharged',
      'PaymentCaptureFailed',
      'CheckoutCompensated',
      'CheckoutRejected',
    ]);
    const authorisation = await send(urlOf('payment-provider'), 'GET', `/authorisations/${view.body.authorisationId}`);
    expect(authorisation.body.status).toBe('voided');
    await waitFor(
      async () => (await send(urlOf('account'), 'GET', `/accounts/${accountId}`)).body.balance === 10_000,
      'the balance to be restored',
    );
  });

  it('rejects a declined authorisation with AUTHORISATION_DECLINED and charges nothing', async () => {
    const accountId = await openAccount(urlOf, 10_000);
    const answer = await withProvider({ authorise: { mode: 'fail' } }, () =>
      postCheckout(urlOf, randomUUID(), checkoutBody(accountId, merchantId, 900)),
    );
    expect(answer).toMatchObject({ status: 200, body: { status: 'rejected', reason: 'AUTHORISATION_DECLINED' } });
    expect(await purchasesOf(urlOf, accountId)).toEqual({ charged: [], refunded: [] });
  });

  it('answers 202 pending when the provider does not answer the capture, and a retry completes without charging again', async () => {
    const accountId = await openAccount(urlOf, 10_000);
    const key = randomUUID();
    const body = checkoutBody(accountId, merchantId, 800);
    const stuck = await withProvider({ capture: { mode: 'timeout' } }, () => postCheckout(urlOf, key, body));
    expect(stuck).toMatchObject({ status: 202, body: { status: 'pending' } });
    const checkoutId = (await purchasesOf(urlOf, accountId)).charged[0];
    expect(stuck.body.checkoutId).toBe(checkoutId);
    expect((await send(urlOf('checkout'), 'GET', `/checkouts/${checkoutId}/internal`)).body).toMatchObject({
      status: 'pending',
      stage: 'charged',
      step: 'capture',
    });

    const retried = await postCheckout(urlOf, key, body);
    expect(retried).toMatchObject({ status: 200, body: { checkoutId, status: 'completed' } });
    expect(await purchasesOf(urlOf, accountId)).toEqual({ charged: [checkoutId], refunded: [] });
  });

  it('makes one checkout and one charge of the same Idempotency-Key sent 20 times at once, across two Checkout processes', async () => {
    const accountId = await openAccount(urlOf, 10_000);
    const second = await platform.startInstance('checkout');
    try {
      const key = randomUUID();
      const body = checkoutBody(accountId, merchantId, 700);
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0 ? postCheckout(urlOf, key, body) : send(second.url, 'POST', '/checkouts', body, { 'idempotency-key': key }),
        ),
      );
      expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
      expect(new Set(answers.map((a) => JSON.stringify(a.body)))).toEqual(new Set([JSON.stringify(answers[0].body)]));
      expect(answers[0].body).toMatchObject({ status: 'completed', total: 700 });
      expect(await purchasesOf(urlOf, accountId)).toEqual({ charged: [answers[0].body.checkoutId], refunded: [] });
      const view = await send(urlOf('checkout'), 'GET', `/checkouts/${answers[0].body.checkoutId}/internal`);
      expect(stepsOf(view.body)).toEqual(COMPLETED_STEPS);
    } finally {
      await second.stop();
    }
  });

  it('lets only one of two checkouts that together exceed the funds through, and voids the other’s authorisation', async () => {
    const accountId = await openAccount(urlOf, 1_000);
    const answers = await Promise.all([1, 2].map(() => postCheckout(urlOf, randomUUID(), checkoutBody(accountId, merchantId, 700))));
    expect(answers.map((a) => a.body.reason ?? a.body.status).sort()).toEqual(['INSUFFICIENT_FUNDS', 'completed']);
    const refused = answers.find((a) => a.body.status === 'rejected')!.body.checkoutId;
    expect((await purchasesOf(urlOf, accountId)).charged).toHaveLength(1);
    const view = await send(urlOf('checkout'), 'GET', `/checkouts/${refused}/internal`);
    if (view.body.authorisationId) {
      expect((await send(urlOf('payment-provider'), 'GET', `/authorisations/${view.body.authorisationId}`)).body.status).toBe('voided');
    }
  });

  it('answers 202 pending while Account is down, and completes once when retried after it is back', async () => {
    const accountId = await openAccount(urlOf, 10_000);
    const key = randomUUID();
    const body = checkoutBody(accountId, merchantId, 1_200);
    await platform.stopService('account');
    let down;
    try {
      down = await postCheckout(urlOf, key, body);
    } finally {
      await platform.startService('account');
    }
    expect(down).toMatchObject({ status: 202, body: { status: 'pending' } });

    const retried = await postCheckout(urlOf, key, body);
    expect(retried).toMatchObject({ status: 200, body: { status: 'completed', total: 1_200 } });
    expect(await purchasesOf(urlOf, accountId)).toEqual({ charged: [retried.body.checkoutId], refunded: [] });
    const again = await postCheckout(urlOf, key, body);
    expect(again.body).toEqual(retried.body);
  });
});
