import { performance } from 'node:perf_hooks';
import { withCallDeadline } from '@app/platform';
import { CheckoutLeases, Lease } from '../unfinished/checkout-leases';

/** The checkout was taken over by another driver: this one must stop, and record nothing more. */
export class LeaseLostError extends Error {
  constructor(checkoutId: string) {
    super(`Checkout ${checkoutId} was taken over by another driver`);
  }
}

/**
 * One run's hold on one checkout. Before each outside call it makes sure the lease lasts (renewing
 * it once half of it is spent), and it bounds the call to end `marginMs` before the lease does: by
 * the time another driver may take the checkout over, every call of this one has ended and taken
 * effect, so the new driver's look-ups (the provider's by key, Account's refund) come after them.
 */
export class LeaseFence {
  private lease?: Lease;
  /** performance.now() when the lease was asked for: the lease is counted from there, never later than the database's. */
  private askedAt = 0;

  constructor(
    private readonly leases: CheckoutLeases,
    readonly checkoutId: string,
    private readonly options: { leaseMs: number; marginMs: number },
  ) {}

  /** The epoch this run reports its steps under. */
  get epoch(): number {
    return this.lease!.epoch;
  }

  /** Whether the checkout is past its deadline, so that only its compensation may go on. */
  get overdue(): boolean {
    return this.lease !== undefined && performance.now() >= this.askedAt + this.lease.msToDeadline;
  }

  /** Takes (or renews) the lease; false when another driver holds it or the checkout is final. */
  async take(): Promise<boolean> {
    const askedAt = performance.now();
    const lease = await this.leases.take(this.checkoutId, this.lease?.epoch);
    if (!lease) return false;
    this.lease = lease;
    this.askedAt = askedAt;
    return true;
  }

  /** Runs one outside call under the lease; throws LeaseLostError when the checkout was taken over. */
  async call<T>(call: () => Promise<T>): Promise<T> {
    if (this.msLeft() < this.options.leaseMs / 2 && !(await this.take())) throw new LeaseLostError(this.checkoutId);
    return withCallDeadline(this.askedAt + this.lease!.remainingMs - this.options.marginMs, call);
  }

  /** Lets the next driver take over once any call this run gave up on can no longer take effect. */
  async release(): Promise<void> {
    if (this.lease) await this.leases.release(this.checkoutId, this.lease.epoch, this.options.marginMs);
  }

  private msLeft(): number {
    return this.lease ? this.askedAt + this.lease.remainingMs - this.options.marginMs - performance.now() : -Infinity;
  }
}
