import { randomUUID } from 'node:crypto';
import { checkoutBody, onboardMerchant, openAccount } from '../../support/checkout-fixtures';
import { callUntilAnswered } from './http-client';

type Urls = (service: 'account' | 'merchant' | 'fraud' | 'checkout' | 'payment-provider') => string;

/**
 * The flow is many small checkouts from few accounts, each soon after an address change: Fraud's
 * velocity and address-change rules would reject nearly all of them, and leave little to charge.
 */
export const FLOW_ENV: NodeJS.ProcessEnv = { FRAUD_VELOCITY_MAX_PER_MINUTE: '1000000', FRAUD_ADDRESS_CHANGE_WINDOW_HOURS: '0.0001' };

/** What callers were told: only these answers count as acknowledged. */
export interface FlowRecord {
  merchantId: string;
  accounts: string[];
  /** Checkout id → its final status, as answered (after polling a 202). */
  checkouts: Map<string, 'completed' | 'rejected'>;
  /** Account id → the streets of its acknowledged address changes, in order. */
  addresses: Map<string, string[]>;
  /** When each acknowledged operation was answered (epoch ms), and how long it took. */
  answered: { at: number; kind: 'checkout' | 'address'; ms: number }[];
  /** Operations that never got a final answer within the deadline. */
  unanswered: number;
  /** Why checkouts were rejected, with counts. */
  rejections: Record<string, number>;
}

/** Opens one account per worker, so each account's operations are sequential and "last" is defined. */
export async function prepareFlow(urls: Urls, workers: number): Promise<FlowRecord> {
  const merchantId = await onboardMerchant(urls);
  const accounts: string[] = [];
  for (let i = 0; i < workers; i++) accounts.push(await openAccount(urls, 100_000_000));
  return {
    merchantId,
    accounts,
    checkouts: new Map(),
    addresses: new Map(accounts.map((id) => [id, []])),
    answered: [],
    unanswered: 0,
    rejections: {},
  };
}

/**
 * Runs `workers` callers for `until` ms, or until `until()` says so: mostly checkouts, every
 * fourth operation an address change.
 */
export async function runFlow(urls: Urls, record: FlowRecord, until: number | (() => boolean)): Promise<void> {
  const end = typeof until === 'number' ? Date.now() + until : Infinity;
  const done = typeof until === 'number' ? () => Date.now() >= end : until;
  await Promise.all(
    record.accounts.map(async (accountId) => {
      for (let n = 0; !done(); n++) {
        if (n % 4 === 3) await changeAddress(urls, record, accountId);
        else await checkout(urls, record, accountId);
      }
    }),
  );
}

async function checkout(urls: Urls, record: FlowRecord, accountId: string): Promise<void> {
  const started = Date.now();
  const key = randomUUID();
  const answer = await callUntilAnswered(urls('checkout'), 'POST', '/checkouts', checkoutBody(accountId, record.merchantId, 100), {
    'idempotency-key': key,
  });
  let status: string | undefined = answer?.status === 200 ? answer.body.status : undefined;
  const checkoutId = answer?.body.checkoutId as string | undefined;
  if (answer?.status === 202 && checkoutId) status = await finalStatus(urls, checkoutId);
  if (!checkoutId || (status !== 'completed' && status !== 'rejected')) {
    record.unanswered++;
    return;
  }
  record.checkouts.set(checkoutId, status);
  if (status === 'rejected') {
    const reason = String(answer?.body.reason ?? 'after 202');
    record.rejections[reason] = (record.rejections[reason] ?? 0) + 1;
  }
  record.answered.push({ at: Date.now(), kind: 'checkout', ms: Date.now() - started });
}

/** A 202 says "pending": the caller polls until the platform has finished it. */
async function finalStatus(urls: Urls, checkoutId: string): Promise<string | undefined> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const view = await callUntilAnswered(urls('checkout'), 'GET', `/checkouts/${checkoutId}`);
    if (view?.body.status === 'completed' || view?.body.status === 'rejected') return view.body.status;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

async function changeAddress(urls: Urls, record: FlowRecord, accountId: string): Promise<void> {
  const started = Date.now();
  const street = `${randomUUID().slice(0, 8)} Analytical Row`;
  const answer = await callUntilAnswered(urls('account'), 'PUT', `/accounts/${accountId}/address`, {
    street,
    city: 'London',
    zip: 'N1 9GU',
  });
  if (answer?.status !== 200) {
    record.unanswered++;
    return;
  }
  record.addresses.get(accountId)!.push(street);
  record.answered.push({ at: Date.now(), kind: 'address', ms: Date.now() - started });
}

/** The p-th percentile of `values` (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
