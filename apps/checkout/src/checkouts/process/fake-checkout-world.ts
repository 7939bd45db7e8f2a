import { DownstreamUnavailableError } from '@app/platform';
import { randomUUID } from 'node:crypto';
import { ScreeningFacts } from '../domain/checkout.commands';
import { CheckoutRequest } from '../domain/checkout.events';
import { AuthorisationStatus, CheckoutDownstream, StepOutcome, VoidOutcome } from '../downstream/checkout-downstream';

/** An in-memory Account and payment provider with the callees' idempotency, and switches to break them. */
export class FakeWorld implements CheckoutDownstream {
  readonly balances = new Map<string, number>();
  readonly charges = new Map<string, { accountId: string; amount: number; refunded: boolean }>();
  readonly authorisations = new Map<string, { status: 'authorised' | 'captured' | 'voided' }>();
  private readonly authorisationByKey = new Map<string, string>();
  /** Services (`account`) or single operations (`capture`) that answer like a service that is down. */
  readonly down = new Set<string>();
  captureFails = false;
  accountStatus = 'active';
  fraudDecision: 'approve' | 'reject' = 'approve';

  async screen(_checkoutId: string, request: CheckoutRequest): Promise<ScreeningFacts> {
    await this.hop('account', 'screen');
    return {
      buyer: { found: true, status: this.accountStatus, balance: this.balances.get(request.accountId) ?? 0, currency: 'EUR' },
      merchant: { found: true, status: 'active' },
      assessment: { assessmentId: 'as-1', decision: this.fraudDecision, reasons: this.fraudDecision === 'reject' ? ['VELOCITY'] : [] },
    };
  }

  async authorise(checkoutId: string): Promise<StepOutcome<{ authorisationId: string }>> {
    await this.hop('payment-provider', 'authorise');
    const authorisationId = this.authorisationByKey.get(checkoutId) ?? randomUUID();
    if (!this.authorisationByKey.has(checkoutId)) this.authorisations.set(authorisationId, { status: 'authorised' });
    this.authorisationByKey.set(checkoutId, authorisationId);
    return { ok: true, authorisationId };
  }

  async charge(checkoutId: string, request: CheckoutRequest, amount: number): Promise<StepOutcome<{ balanceAfter?: number }>> {
    await this.hop('account', 'charge');
    const balance = this.balances.get(request.accountId) ?? 0;
    if (this.charges.has(checkoutId)) return { ok: true, balanceAfter: balance };
    if (balance < amount) return { ok: false, reason: 'INSUFFICIENT_FUNDS' };
    this.balances.set(request.accountId, balance - amount);
    this.charges.set(checkoutId, { accountId: request.accountId, amount, refunded: false });
    return { ok: true, balanceAfter: balance - amount };
  }

  async capture(authorisationId: string): Promise<StepOutcome> {
    await this.hop('payment-provider', 'capture');
    const authorisation = this.authorisations.get(authorisationId)!;
    if (this.captureFails || authorisation.status === 'voided') return { ok: false, reason: 'PROVIDER_ERROR' };
    authorisation.status = 'captured';
    return { ok: true };
  }

  async void(authorisationId: string): Promise<VoidOutcome> {
    await this.hop('payment-provider', 'void');
    const authorisation = this.authorisations.get(authorisationId)!;
    if (authorisation.status === 'captured') return 'captured';
    authorisation.status = 'voided';
    return 'voided';
  }

  async refund(_accountId: string, transactionId: string): Promise<boolean> {
    await this.hop('account', 'refund');
    const charge = this.charges.get(transactionId);
    if (!charge) return false;
    if (!charge.refunded) this.balances.set(charge.accountId, (this.balances.get(charge.accountId) ?? 0) + charge.amount);
    charge.refunded = true;
    return true;
  }

  async findAuthorisation(checkoutId: string): Promise<{ authorisationId: string; status: AuthorisationStatus } | undefined> {
    await this.hop('payment-provider', 'lookup');
    const authorisationId = this.authorisationByKey.get(checkoutId);
    return authorisationId === undefined ? undefined : { authorisationId, status: this.authorisations.get(authorisationId)!.status };
  }

  async authorisationStatus(authorisationId: string): Promise<AuthorisationStatus | undefined> {
    await this.hop('payment-provider', 'lookup');
    return this.authorisations.get(authorisationId)?.status;
  }

  private async hop(service: string, operation: string): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.down.has(service) || this.down.has(operation)) throw new DownstreamUnavailableError(service);
  }
}
