import { serviceUrl } from '@app/contracts';
import { DownstreamUnavailableError, JsonHttpClient, JsonResponse, ServiceCredential } from '@app/platform';
import { setTimeout as sleep } from 'node:timers/promises';
import { ScreeningFacts } from '../domain/checkout.commands';
import { CheckoutRequest } from '../domain/checkout.events';
import { AuthorisationStatus, CheckoutDownstream, StepOutcome, VoidOutcome } from './checkout-downstream';
import { DownstreamOptions } from './downstream.options';

const ACCOUNT_POLL_MS = 50;
/** The checkout id as correlation id, so the callees' logs and events trace back to the checkout. */
const correlated = (checkoutId: string) => ({ 'x-correlation-id': checkoutId });
const codeOf = (response: JsonResponse): string | undefined => (typeof response.body.code === 'string' ? response.body.code : undefined);

/** CheckoutDownstream over HTTP, with a pool of keep-alive connections per service. */
export class HttpCheckoutDownstream implements CheckoutDownstream {
  private readonly account: JsonHttpClient;
  private readonly merchant: JsonHttpClient;
  private readonly fraud: JsonHttpClient;
  private readonly provider: JsonHttpClient;

  constructor(
    private readonly options: DownstreamOptions,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const credential = ServiceCredential.fromEnv('checkout', env);
    const client = (service: 'account' | 'merchant' | 'fraud' | 'payment-provider') =>
      new JsonHttpClient(service, serviceUrl(service, env), { ...options, credential: () => credential.current() });
    this.account = client('account');
    this.merchant = client('merchant');
    this.fraud = client('fraud');
    this.provider = client('payment-provider');
  }

  async screen(checkoutId: string, request: CheckoutRequest, total: number): Promise<ScreeningFacts> {
    const [buyer, merchant, assessment] = await Promise.all([
      this.readAccount(request.accountId),
      this.readMerchant(request.merchantId),
      this.assess(checkoutId, request, total),
    ]);
    return { buyer, merchant, assessment };
  }

  async authorise(checkoutId: string, amount: number, currency: string): Promise<StepOutcome<{ authorisationId: string }>> {
    const response = await this.provider.call('POST', '/authorisations', {
      body: { amount, currency, reference: checkoutId },
      headers: { 'idempotency-key': checkoutId, ...correlated(checkoutId) },
      idempotent: true,
      // A decline is the provider's answer, not an outage: asking again would shop for a yes.
      retryable: (r) => r.status >= 500 && codeOf(r) !== 'PROVIDER_DECLINED',
    });
    if (response.status === 201 || response.status === 200) return { ok: true, authorisationId: String(response.body.authorisationId) };
    if (isAnswer(response) || codeOf(response) === 'PROVIDER_DECLINED') return { ok: false, reason: 'AUTHORISATION_DECLINED' };
    throw new DownstreamUnavailableError('payment-provider', new Error(`authorise answered ${response.status}`));
  }

  async charge(checkoutId: string, request: CheckoutRequest, amount: number): Promise<StepOutcome<{ balanceAfter?: number }>> {
    const response = await this.account.call('POST', `/accounts/${request.accountId}/transactions`, {
      body: {
        transactionId: checkoutId,
        amount,
        currency: request.currency,
        merchantId: request.merchantId,
        reference: `checkout-${checkoutId}`,
      },
      headers: correlated(checkoutId),
      idempotent: true,
    });
    if (response.status === 201 || response.status === 200) {
      const balance = response.body.balance;
      return { ok: true, balanceAfter: typeof balance === 'number' ? balance : undefined };
    }
    if (isAnswer(response)) return { ok: false, reason: codeOf(response) ?? 'CHARGE_DECLINED' };
    throw new DownstreamUnavailableError('account', new Error(`charge answered ${response.status}`));
  }

  async capture(authorisationId: string): Promise<StepOutcome> {
    const response = await this.provider.call('POST', `/authorisations/${encodeURIComponent(authorisationId)}/capture`, {
      idempotent: true,
    });
    if (response.status === 200 || response.status === 201) return { ok: true };
    // The provider itself said no (voided, unknown, or its error after every retry): the capture did not happen.
    if (isAnswer(response) || codeOf(response) === 'PROVIDER_ERROR')
      return { ok: false, reason: codeOf(response) ?? `CAPTURE_${response.status}` };
    // A timeout may have captured after all: the caller asks the provider before it decides anything.
    throw new DownstreamUnavailableError('payment-provider', new Error(`capture answered ${response.status}`));
  }

  async void(authorisationId: string): Promise<VoidOutcome> {
    const response = await this.provider.call('POST', `/authorisations/${encodeURIComponent(authorisationId)}/void`, { idempotent: true });
    if (response.status === 200 || response.status === 201) return 'voided';
    if (codeOf(response) === 'AUTHORISATION_CAPTURED') return 'captured';
    // Nothing to void. Any other failure is retried until the hold is gone, never left in place.
    if (isAnswer(response)) return 'not-voided';
    throw new DownstreamUnavailableError('payment-provider', new Error(`void answered ${response.status}`));
  }

  async refund(accountId: string, transactionId: string): Promise<boolean> {
    const response = await this.account.call('POST', `/accounts/${accountId}/transactions/${transactionId}/refund`, { idempotent: true });
    // Account answers a repeated refund with 409: a compensation resumed after a crash finds it done.
    if (response.status === 200 || response.status === 201 || codeOf(response) === 'PURCHASE_ALREADY_REFUNDED') return true;
    if (isAnswer(response)) return false;
    throw new DownstreamUnavailableError('account', new Error(`refund answered ${response.status}`));
  }

  async findAuthorisation(checkoutId: string): Promise<{ authorisationId: string; status: AuthorisationStatus } | undefined> {
    const response = await this.provider.call('GET', `/authorisations?idempotencyKey=${encodeURIComponent(checkoutId)}`, {
      idempotent: true,
    });
    if (response.status === 200)
      return { authorisationId: String(response.body.authorisationId), status: response.body.status as AuthorisationStatus };
    if (response.status === 404) return undefined;
    throw new DownstreamUnavailableError('payment-provider', new Error(`look-up by key answered ${response.status}`));
  }

  async authorisationStatus(authorisationId: string): Promise<AuthorisationStatus | undefined> {
    const response = await this.provider.call('GET', `/authorisations/${encodeURIComponent(authorisationId)}`, { idempotent: true });
    if (response.status === 200) return response.body.status as AuthorisationStatus;
    if (response.status === 404) return undefined;
    throw new DownstreamUnavailableError('payment-provider', new Error(`look-up answered ${response.status}`));
  }

  async close(): Promise<void> {
    await Promise.all([this.account, this.merchant, this.fraud, this.provider].map((client) => client.close()));
  }

  private async readAccount(accountId: string): Promise<ScreeningFacts['buyer']> {
    const deadline = Date.now() + this.options.accountReadGraceMs;
    for (;;) {
      const response = await this.account.call('GET', `/accounts/${accountId}`, { idempotent: true });
      if (response.status === 200) {
        const { status, balance, currency } = response.body;
        return { found: true, status: String(status), balance: Number(balance), currency: String(currency) };
      }
      if (response.status !== 404) throw new DownstreamUnavailableError('account', new Error(`account read answered ${response.status}`));
      // Account's read model trails its writes: an account opened a moment ago may not be visible yet.
      if (Date.now() >= deadline) return { found: false };
      await sleep(ACCOUNT_POLL_MS);
    }
  }

  private async readMerchant(merchantId: string): Promise<ScreeningFacts['merchant']> {
    const response = await this.merchant.call('GET', `/merchants/${merchantId}`, { idempotent: true });
    if (response.status === 200) return { found: true, status: String(response.body.status) };
    if (response.status === 404) return { found: false };
    throw new DownstreamUnavailableError('merchant', new Error(`merchant read answered ${response.status}`));
  }

  private async assess(checkoutId: string, request: CheckoutRequest, amount: number): Promise<ScreeningFacts['assessment']> {
    // Fraud assesses a checkout once (its id is the key), so a resumed checkout may ask again.
    const response = await this.fraud.call('POST', '/assessments', {
      body: { accountId: request.accountId, merchantId: request.merchantId, amount, currency: request.currency, checkoutId },
      headers: correlated(checkoutId),
      idempotent: true,
    });
    // Fraud refusing to assess the payment at all is no approval either.
    if (isAnswer(response)) return { decision: 'reject', reasons: [codeOf(response) ?? `ASSESSMENT_${response.status}`] };
    if (response.status !== 200 && response.status !== 201) {
      throw new DownstreamUnavailableError('fraud', new Error(`assessment answered ${response.status}`));
    }
    const { assessmentId, decision, reasons } = response.body;
    return {
      assessmentId: typeof assessmentId === 'string' ? assessmentId : undefined,
      decision: decision === 'approve' || decision === 'review' ? decision : 'reject',
      reasons: Array.isArray(reasons) ? reasons.map(String) : [],
    };
  }
}

/** A 4xx: the callee understood and refused; never worth treating as an outage. */
const isAnswer = (response: JsonResponse): boolean => response.status >= 400 && response.status < 500;
