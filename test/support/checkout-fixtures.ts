import { TEST_OPS_TOKEN } from '@app/testing';
import { Agent, request } from 'node:http';

export interface Answer<T = Record<string, any>> {
  status: number;
  contentType: string;
  body: T;
}

/** One keep-alive agent for every call a spec or benchmark makes, so the client is never the bottleneck. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** Sends JSON to a service of the platform as the operator (unless `headers` name another credential) and reads its JSON answer (any status). */
export async function send<T = Record<string, any>>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  try {
    return await sendOnce<T>(baseUrl, method, path, body, headers);
  } catch (error) {
    // A pooled connection the server closed as idle just as it was reused: the request never arrived.
    if ((error as { reusedSocket?: boolean }).reusedSocket) return sendOnce<T>(baseUrl, method, path, body, headers);
    throw error;
  }
}

function sendOnce<T>(baseUrl: string, method: string, path: string, body: unknown, headers: Record<string, string>): Promise<Answer<T>> {
  const url = new URL(path, baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers: {
          authorization: `Bearer ${TEST_OPS_TOKEN}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: (text ? JSON.parse(text) : {}) as T,
          });
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(Object.assign(error, { reusedSocket: req.reusedSocket && error.code === 'ECONNRESET' })),
    );
    req.end(payload);
  });
}

/** Closes the shared connections so a spec or benchmark can exit. */
export const closeConnections = (): void => agent.destroy();

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
  const opened = await send(urlOf('account'), 'POST', '/accounts', {
    name: 'Ada',
    lastName: 'Lovelace',
    country: 'GB',
    address: { street: '12 St James’s Square', city: 'London', zip: 'SW1Y 4JH' },
    limit,
    currency,
  });
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
