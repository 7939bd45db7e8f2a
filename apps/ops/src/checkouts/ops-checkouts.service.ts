import { UnfinishedCheckouts } from '@app/contracts';
import { NamedOperator } from '@app/platform';
import { CheckoutServiceClient } from './checkout-service.client';

const LISTED = 100;

/** Unfinished checkouts through Checkout's API, and the audited operator action on them. */
export class OpsCheckoutsService {
  constructor(private readonly client: CheckoutServiceClient) {}

  unfinished(): Promise<UnfinishedCheckouts> {
    return this.client.unfinished(LISTED);
  }

  /** Checkout records the operator as the actor of its compensation; Ops records the request (OperatorActionRecorder). */
  compensate(checkoutId: string, operator: NamedOperator): Promise<Record<string, unknown>> {
    return this.client.compensate(checkoutId, operator);
  }
}
