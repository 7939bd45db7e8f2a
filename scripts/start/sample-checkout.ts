import { randomUUID } from 'node:crypto';

type Urls = Record<'account' | 'merchant' | 'checkout' | 'fraud' | 'ops', string>;

async function call<T>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Drives one checkout through the running platform and prints what happened at each step: the
 * operator opens the account and onboards the merchant, whose new API key then checks out.
 */
export async function runSampleCheckout(urls: Urls, opsToken: string, print: (line: string) => void): Promise<void> {
  const operator = { authorization: `Bearer ${opsToken}` };
  const { id: accountId } = await call<{ id: string }>(
    'POST',
    `${urls.account}/accounts`,
    {
      name: 'Ada',
      lastName: 'Lovelace',
      country: 'GB',
      address: { street: '12 St James Square', city: 'London', zip: 'SW1Y 4JH' },
      limit: 100_000,
      currency: 'EUR',
    },
    operator,
  );
  print(`opened account ${accountId} with a limit of 1000.00 EUR`);
  const { id: merchantId, apiKey } = await call<{ id: string; apiKey: string }>(
    'POST',
    `${urls.merchant}/merchants`,
    {
      name: 'Analytical Engines Ltd',
      country: 'DE',
      bankAccount: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' },
    },
    operator,
  );
  print(`onboarded merchant ${merchantId}; its API key (shown once): ${apiKey}`);

  const checkout = await call<{ checkoutId: string; status: string; reason?: string; total: number; currency: string }>(
    'POST',
    `${urls.checkout}/checkouts`,
    { accountId, merchantId, currency: 'EUR', items: [{ sku: 'punch-card-pack', quantity: 3, unitPrice: 1_250 }] },
    { 'idempotency-key': randomUUID(), authorization: `Bearer ${apiKey}` },
  );
  print(
    `checkout ${checkout.checkoutId}: ${checkout.status}${checkout.reason ? ` (${checkout.reason})` : ''}, ` +
      `total ${(checkout.total / 100).toFixed(2)} ${checkout.currency}`,
  );

  // The read models follow through each consumer's own queue; give them a moment.
  await pause(1_000);
  const account = await call<{ balance: number }>('GET', `${urls.account}/accounts/${accountId}`, undefined, operator);
  print(`account balance is now ${(account.balance / 100).toFixed(2)} EUR (read model, via account.account-events)`);
  const sales = await call<unknown>('GET', `${urls.merchant}/merchants/${merchantId}/sales`, undefined, operator);
  print(`merchant sales ledger (via merchant.checkout-events): ${JSON.stringify(sales)}`);
  const profile = await call<unknown>('GET', `${urls.fraud}/risk-profiles/${accountId}`, undefined, operator);
  print(`fraud risk profile (via fraud.*-events): ${JSON.stringify(profile)}`);
}
