import { DataSource } from 'typeorm';
import { OperatorActionsRepository } from '../operators/operator-actions.repository';
import { UnfinishedCheckouts } from '@app/contracts';
import { CheckoutServiceClient } from './checkout-service.client';

const LISTED = 100;

/** Unfinished checkouts through Checkout's API, and the audited operator action on them. */
export class OpsCheckoutsService {
  constructor(
    private readonly client: CheckoutServiceClient,
    private readonly dataSource: DataSource,
    private readonly actions: OperatorActionsRepository,
  ) {}

  unfinished(): Promise<UnfinishedCheckouts> {
    return this.client.unfinished(LISTED);
  }

  /** Recorded like a replay: who forced which checkout, and what it came to. */
  async compensate(checkoutId: string, actor: string): Promise<Record<string, unknown>> {
    const outcome = await this.client.compensate(checkoutId, actor);
    await this.actions.record(this.dataSource.manager, {
      actor,
      action: 'compensate-checkout',
      target: checkoutId,
      detail: { status: outcome.status, reason: outcome.reason },
    });
    return outcome;
  }
}
