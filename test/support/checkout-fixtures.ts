import { accountApplication } from '@app/testing';
import { send } from './http';

/** Where each service of a running platform listens. */
export type UrlOf = (service: 'account' | 'merchant' | 'fraud' | 'checkout' | 'payment-provider') => string;

/** Polls until `probe` answers truthy; the platform's read models are eventually consistent. */
export async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Opens an account and waits until Account's read model shows it, as Checkout will read it. */
export async function openAccount(urlOf: UrlOf, limit: number, currency = 'EUR'): Promise<string> {
  const opened = await send(urlOf('account'), 'POST', '/accounts', accountApplication({ limit, currency }));
  if (opened.status !== 201) throw new Error(`opening an account answered ${opened.status}: ${JSON.stringify(opened.body)}`);
  const id = String(opened.body.id);
  await waitFor(async () => (await send(urlOf('account'), 'GET', `/accounts/${id}`)).status === 200, `account ${id} to be readable`);
  return id;
}

export async function onboardMerchant(urlOf: UrlOf): Promise<string> {
  const onboarded = await send(urlOf('merchant'), 'POST', '/merchants', {
    name: 'Analytical Engines Ltd',
    country: 'GB',
    bankAccount: { iban: 'GB82 WEST 1234 5698 7654 32', bic: 'NWBKGB2L' },
  });
  if (onboarded.status !== 201) throw new Error(`onboarding a merchant answered ${onboarded.status}: ${JSON.stringify(onboarded.body)}`);
  return String(onboarded.body.id);
}

export interface CheckoutBody {
  accountId: string;
  merchantId: string;
  items: { sku: string; quantity: number; unitPrice: number }[];
  currency: string;
}

export const checkoutBody = (accountId: string, merchantId: string, unitPrice = 1_500, quantity = 1): CheckoutBody => ({
  accountId,
  merchantId,
  items: [{ sku: 'difference-engine-manual', quantity, unitPrice }],
  currency: 'EUR',
});

export const postCheckout = (urlOf: UrlOf, idempotencyKey: string, body: CheckoutBody) =>
  send(urlOf('checkout'), 'POST', '/checkouts', body, { 'idempotency-key': idempotencyKey });

/** The purchases Account recorded for an account, from its event stream (the write side, never stale). */
export async function purchasesOf(urlOf: UrlOf, accountId: string): Promise<{ charged: string[]; refunded: string[] }> {
  const events = await send<{ type: string; data: { transactionId: string } }[]>(urlOf('account'), 'GET', `/accounts/${accountId}/events`);
  const of = (type: string) => events.body.filter((e) => e.type === type).map((e) => e.data.transactionId);
  return { charged: of('ItemPurchased'), refunded: of('PurchaseRefunded') };
}

/** The steps of a checkout that went through without a hitch, in order. */
export const COMPLETED_STEPS = ['CheckoutStarted', 'PaymentAuthorised', 'AccountCharged', 'PaymentCaptured', 'CheckoutCompleted'];

/** The step names of a checkout's internal view (`GET /checkouts/:id/internal`, operators only). */
export const stepsOf = (view: { steps: { step: string }[] }): string[] => view.steps.map((s) => s.step);
