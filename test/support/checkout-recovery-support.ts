import { ServiceName } from '@app/contracts';
import { TEST_OPS_TOKEN, TestPlatform } from '@app/testing';
import { waitFor } from './checkout-fixtures';
import { Answer, send } from './http';

/** Short limits, so that recovery, backoff and the deadline show within a test's patience. */
export const RECOVERY_ENV: NodeJS.ProcessEnv = {
  CHECKOUT_REQUEST_BUDGET_MS: '2000',
  CHECKOUT_PENDING_AGE_MS: '3000',
  CHECKOUT_RETRY_BASE_MS: '250',
  CHECKOUT_RETRY_CAP_MS: '2000',
  CHECKOUT_DEADLINE_MS: '40000',
  CHECKOUT_RECOVERY_INTERVAL_MS: '250',
  CHECKOUT_HTTP_TIMEOUT_MS: '1500',
  CHECKOUT_HTTP_RETRIES: '1',
  FRAUD_VELOCITY_MAX_PER_MINUTE: '100000',
};

export type Modes = Partial<Record<'authorise' | 'capture' | 'void' | 'lookup', 'ok' | 'fail' | 'timeout' | 'lost' | 'down'>>;

export interface FinalCheckout {
  checkoutId: string;
  status: 'completed' | 'rejected';
  reason?: string;
  total: number;
  accountId: string;
  compensation?: { refunded: boolean; voided: boolean };
}

/** Calls and checks over a running platform, always with the operator's credential. */
export class RecoveryProbe {
  constructor(private readonly platform: TestPlatform) {}

  call(service: ServiceName, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    return send(this.platform.url(service), method, path, body, { authorization: `Bearer ${TEST_OPS_TOKEN}`, ...headers });
  }

  async provider(modes: Modes | 'normal'): Promise<void> {
    const answer =
      modes === 'normal'
        ? await this.call('payment-provider', 'DELETE', '/test/behaviour')
        : await this.call(
            'payment-provider',
            'PUT',
            '/test/behaviour',
            Object.fromEntries(Object.entries(modes).map(([op, mode]) => [op, { mode }])),
          );
    if (answer.status !== 200) throw new Error(`the provider's behaviour answered ${answer.status}`);
  }

  /** The checkout once it is final; fails if it is not within `timeoutMs`. */
  async final(checkoutId: string, timeoutMs: number, checkoutUrl = this.platform.url('checkout')): Promise<FinalCheckout> {
    return waitFor(
      async () => {
        const view = await send(checkoutUrl, 'GET', `/checkouts/${checkoutId}/internal`, undefined, {
          authorization: `Bearer ${TEST_OPS_TOKEN}`,
        });
        return view.body.status === 'completed' || view.body.status === 'rejected' ? (view.body as FinalCheckout) : undefined;
      },
      `checkout ${checkoutId} to be final`,
      timeoutMs,
    );
  }

  /** What the provider holds under the checkout's key, whatever became of the answers. */
  async authorisationOf(checkoutId: string): Promise<{ authorisationId: string; status: string } | undefined> {
    const found = await this.call('payment-provider', 'GET', `/authorisations?idempotencyKey=${checkoutId}`);
    if (found.status === 404) return undefined;
    if (found.status !== 200) throw new Error(`look-up by key answered ${found.status}`);
    return found.body as { authorisationId: string; status: string };
  }

  /** Every charge and refund Account recorded for the account, from its stream (never stale). */
  async moneyOf(accountId: string): Promise<{ charged: Map<string, number>; refunded: Set<string> }> {
    const events = await this.call('account', 'GET', `/accounts/${accountId}/events`);
    const list = events.body as unknown as { type: string; data: { transactionId: string; amount: number } }[];
    const charged = new Map(list.filter((e) => e.type === 'ItemPurchased').map((e) => [e.data.transactionId, e.data.amount]));
    return { charged, refunded: new Set(list.filter((e) => e.type === 'PurchaseRefunded').map((e) => e.data.transactionId)) };
  }

  /**
   * The checkout, the account and the provider agree: a completed checkout is charged once, never
   * refunded, and captured; a rejected one left nothing charged and nothing held.
   */
  async expectAgreement(checkout: FinalCheckout, money: { charged: Map<string, number>; refunded: Set<string> }): Promise<void> {
    const { checkoutId } = checkout;
    const authorisation = await this.authorisationOf(checkoutId);
    const kept = money.charged.has(checkoutId) && !money.refunded.has(checkoutId);
    const state = { status: checkout.status, kept, authorisation: authorisation?.status ?? 'none' };
    if (checkout.status === 'completed') expect(state).toEqual({ status: 'completed', kept: true, authorisation: 'captured' });
    else expect(state).toEqual({ status: 'rejected', kept: false, authorisation: authorisation ? 'voided' : 'none' });
    if (money.refunded.has(checkoutId)) expect(money.charged.has(checkoutId)).toBe(true);
  }

  /** Waits until Account's read model shows `balance` (it trails the stream a little). */
  async balanceBecomes(accountId: string, balance: number): Promise<void> {
    await waitFor(
      async () => (await this.call('account', 'GET', `/accounts/${accountId}`)).body.balance === balance,
      `balance ${balance}`,
      30_000,
    );
  }
}
