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

/** The checkout flow through real Account, Merchant, Fraud, payment-provider and Checkout processes. */
describe('Checkout flow, end to end', () => {
  let platform: TestPlatform;
  let urlOf: UrlOf;
  let merchantId: string;

  beforeAll(async () => {
    // A small velocity limit so that the velocity test needs only a few checkouts; no other test
    // sends more than two checkouts for one account.
    platform = await TestPlatform.start(['account', 'merchant', 'fraud', 'payment-provider', 'checkout'], {
      FRAUD_VELOCITY_MAX_PER_MINUTE: '3',
    });
    urlOf = (service) => platform.url(service);
    merchantId = await onboardMerchant(urlOf);
  });

  afterAll(async () => {
    closeConnections();
    await platform?.stop();
  });

  it('completes a checkout: one charge, the merchant’s sales and Fraud’s velocity follow through their queues', async () => {
    const accountId = await openAccount(urlOf, 100_000);
    const key = randomUUID();
    const body = {
      ...checkoutBody(accountId, merchantId),
      items: [
        { sku: 'a', quantity: 2, unitPrice: 1_500 },
        { sku: 'b', quantity: 1, unitPrice: 500 },
      ],
    };
    const answer = await postCheckout(urlOf, key, body);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ checkoutId: expect.any(String), status: 'completed', total: 3_500, currency: 'EUR' });
    const { checkoutId } = answer.body;

    const again = await postCheckout(urlOf, key, body);
    expect(again).toMatchObject({ status: 200, body: answer.body });
    expect(await purchasesOf(urlOf, accountId)).toEqual({ charged: [checkoutId], refunded: [] });

    const view = await send(urlOf('checkout'), 'GET', `/checkouts/${checkoutId}/internal`);
    expect(view.body).toMatchObject({ checkoutId, status: 'completed', accountId, merchantId, total: 3_500, transactionId: checkoutId });
    expect(stepsOf(view.body)).toEqual(COMPLETED_STEPS);
    const authorisation = await send(urlOf('payment-provider'), 'GET', `/authorisations/${view.body.authorisationId}`);
    expect(authorisation.body).toMatchObject({ status: 'captured', amount: 3_500, reference: checkoutId });

    const sales = await waitFor(
      async () => {
        const ledger = await send(urlOf('merchant'), 'GET', `/merchants/${merchantId}/sales`);
        return ledger.body.lastSales?.some((sale: { checkoutId: string }) => sale.checkoutId === checkoutId) && ledger.body;
      },
      'the sale to reach the merchant’s ledger',
      5_000,
    );
    expect(sales.lastSales.find((sale: { checkoutId: string }) => sale.checkoutId === checkoutId)).toMatchObject({
      accountId,
      total: 3_500,
      currency: 'EUR',
    });
    const profile = await waitFor(
      async () => {
        const risk = await send(urlOf('fraud'), 'GET', `/risk-profiles/${accountId}`);
        return risk.status === 200 && risk.body.velocity.recentCheckouts === 1 && risk.body;
      },
      'the checkout to reach Fraud’s velocity',
      5_000,
    );
    expect(profile.velocity).toMatchObject({ recentCheckouts: 1 });
    const account = await waitFor(
      async () => {
        const read = await send(urlOf('account'), 'GET', `/accounts/${accountId}`);
        return read.body.balance === 96_500 && read.body;
      },
      'the balance to drop',
      5_000,
    );
    expect(account).toMatchObject({ balance: 96_500, limit: 100_000 });
  });

  it('rejects a locked account with ACCOUNT_LOCKED and charges nothing', async () => {
    const accountId = await openAccount(urlOf, 100_000);
    expect((await send(urlOf('account'), 'POST', `/accounts/${accountId}/lock`)).status).toBe(200);
    const answer = await postCheckout(urlOf, randomUUID(), checkoutBody(accountId, merchantId));
    expect(answer).toMatchObject({ status: 200, body: { status: 'rejected', reason: 'ACCOUNT_LOCKED', total: 1_500 } });
    await expectNothingLeftBehind(accountId, answer.body.checkoutId);
  });

  it('rejects a suspended merchant with MERCHANT_SUSPENDED and charges nothing', async () => {
    const accountId = await openAccount(urlOf, 100_000);
    const suspended = await onboardMerchant(urlOf);
    expect((await send(urlOf('merchant'), 'POST', `/merchants/${suspended}/suspend`, { reason: 'chargebacks' })).status).toBe(200);
    const answer = await postCheckout(urlOf, randomUUID(), checkoutBody(accountId, suspended));
    expect(answer).toMatchObject({ status: 200, body: { status: 'rejected', reason: 'MERCHANT_SUSPENDED' } });
    await expectNothingLeftBehind(accountId, answer.body.checkoutId);
  });

  it('rejects a checkout above the available funds with INSUFFICIENT_FUNDS and charges nothing', async () => {
    const accountId = await openAccount(urlOf, 1_000);
    const answer = await postCheckout(urlOf, randomUUID(), checkoutBody(accountId, merchantId, 1_001));
    expect(answer).toMatchObject({ status: 200, body: { status: 'rejected', reason: 'INSUFFICIENT_FUNDS', total: 1_001 } });
    await expectNothingLeftBehind(accountId, answer.body.checkoutId);
  });

  it('sends a burst of checkouts for one account to review on velocity (FRAUD_REVIEW) and charges only the allowed ones', async () => {
    const accountId = await openAccount(urlOf, 100_000);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await postCheckout(urlOf, randomUUID(), checkoutBody(accountId, merchantId, 1_000))).body);
    expect(answers.map((answer) => answer.reason ?? answer.status)).toEqual(['completed', 'completed', 'completed', 'FRAUD_REVIEW']);
    expect(answers[3].details).toContain('VELOCITY');
    expect((await purchasesOf(urlOf, accountId)).charged).toHaveLength(3);
  });

  it('answers a checkout without Idempotency-Key with 400 problem+json', async () => {
    const answer = await send(urlOf('checkout'), 'POST', '/checkouts', checkoutBody(randomUUID(), merchantId));
    expect(answer.status).toBe(400);
    expect(answer.contentType).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ status: 400, code: 'IDEMPOTENCY_KEY_REQUIRED' });
  });

  it('answers the same Idempotency-Key with a different body with 409 IDEMPOTENCY_KEY_REUSED', async () => {
    const accountId = await openAccount(urlOf, 100_000);
    const key = randomUUID();
    expect((await postCheckout(urlOf, key, checkoutBody(accountId, merchantId, 100))).body.status).toBe('completed');
    const reused = await postCheckout(urlOf, key, checkoutBody(accountId, merchantId, 200));
    expect(reused).toMatchObject({ status: 409, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect((await purchasesOf(urlOf, accountId)).charged).toHaveLength(1);
  });

  it('answers an item that could overflow the total with 400 and records nothing', async () => {
    const key = randomUUID();
    const answer = await postCheckout(urlOf, key, checkoutBody(randomUUID(), merchantId, Number.MAX_SAFE_INTEGER, 2));
    expect(answer).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  /** No purchase on the account, and no authorisation left open at the provider. */
  async function expectNothingLeftBehind(accountId: string, checkoutId: string): Promise<void> {
    expect((await purchasesOf(urlOf, accountId)).charged).toEqual([]);
    const view = await send(urlOf('checkout'), 'GET', `/checkouts/${checkoutId}/internal`);
    if (view.body.authorisationId) {
      const authorisation = await send(urlOf('payment-provider'), 'GET', `/authorisations/${view.body.authorisationId}`);
      expect(authorisation.body.status).toBe('voided');
    }
  }
});
