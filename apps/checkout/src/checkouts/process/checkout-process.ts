import { KeyedSerialQueue } from '@app/async';
import { assertNever } from '@app/domain';
import { commandMetadata } from '@app/eventstore';
import { Inject, Injectable } from '@nestjs/common';
import { CheckoutCommands, checkoutStreamId } from '../checkout-commands';
import { CheckoutCommand } from '../domain/checkout.commands';
import { CheckoutState, isFinal, nextStep } from '../domain/checkout.decider';
import { CheckoutRequest } from '../domain/checkout.events';
import { CHECKOUT_DOWNSTREAM, CheckoutDownstream } from '../downstream/checkout-downstream';

/** A command without its metadata, which `report` adds. */
type Report = CheckoutCommand extends infer C ? (C extends CheckoutCommand ? Omit<C, 'metadata'> : never) : never;

/**
 * Drives a checkout from its recorded steps to a final state. Every call to another service is
 * followed by a command reporting its answer, so each answer becomes an event before the next call
 * is made, and a later request (after a crash or a 503) resumes from the last recorded step.
 *
 * One driver per checkout: in this process, concurrent requests for a checkout drive it in turn (the
 * later one finds it finished, or resumes it if the first failed); across
 * processes, the stream version lets only one report of each step through, and the callees'
 * idempotency (the checkout id as provider key and as account transaction id) makes a duplicate
 * driver's calls repeat the first driver's effects instead of adding to them.
 */
@Injectable()
export class CheckoutProcess {
  private readonly runs = new KeyedSerialQueue();

  constructor(
    private readonly commands: CheckoutCommands,
    @Inject(CHECKOUT_DOWNSTREAM) private readonly downstream: CheckoutDownstream,
  ) {}

  /** Starts the checkout (or recognises a retry of it) and runs it to its end; throws on a 503. */
  async checkout(checkoutId: string, idempotencyKey: string, request: CheckoutRequest): Promise<CheckoutState> {
    const streamId = checkoutStreamId(checkoutId);
    const started = await this.commands.execute(streamId, {
      type: 'StartCheckout',
      data: { checkoutId, idempotencyKey, request },
      metadata: metadata(checkoutId),
    });
    if (isFinal(started.state)) return started.state;
    const created = started.events.length > 0;
    return this.runs.run(checkoutId, async () =>
      this.drive(checkoutId, created ? started.state : (await this.commands.load(streamId)).state),
    );
  }

  private async drive(checkoutId: string, initial: CheckoutState): Promise<CheckoutState> {
    let state = initial;
    for (;;) {
      const step = nextStep(state);
      switch (step) {
        case 'done':
          return state;
        case 'start':
          throw new Error(`Checkout ${checkoutId} is driven before it was started`);
        case 'screen-and-authorise':
          state = await this.screenAndAuthorise(state);
          break;
        case 'charge':
          state = await this.charge(state);
          break;
        case 'capture':
          state = await this.capture(state);
          break;
        case 'compensate':
          state = await this.compensate(state);
          break;
        default:
          return assertNever(step);
      }
    }
  }

  private async screenAndAuthorise(state: CheckoutState): Promise<CheckoutState> {
    const { checkoutId, total } = state;
    const request = state.request!;
    const facts = await this.downstream.screen(checkoutId, request, total);
    const screened = await this.report(checkoutId, { type: 'ScreenCheckout', data: facts });
    if (screened.stage !== 'started') return screened;
    const authorisation = await this.downstream.authorise(checkoutId, total, request.currency);
    return authorisation.ok
      ? this.report(checkoutId, { type: 'RecordAuthorisation', data: { authorisationId: authorisation.authorisationId, assessmentId: facts.assessment.assessmentId } })
      : this.report(checkoutId, { type: 'RejectAuthorisation', data: { reason: authorisation.reason } });
  }

  private async charge(state: CheckoutState): Promise<CheckoutState> {
    const charge = await this.downstream.charge(state.checkoutId, state.request!, state.total);
    if (charge.ok) return this.report(state.checkoutId, { type: 'RecordCharge', data: { transactionId: state.checkoutId, balanceAfter: charge.balanceAfter } });
    // Nothing was charged, so the only thing to undo is the hold on the buyer's payment.
    const voided = await this.downstream.void(state.authorisationId!);
    return this.report(state.checkoutId, { type: 'RejectCharge', data: { reason: charge.reason, voided: voided === 'voided' } });
  }

  private async capture(state: CheckoutState): Promise<CheckoutState> {
    const capture = await this.downstream.capture(state.authorisationId!);
    return capture.ok
      ? this.report(state.checkoutId, { type: 'RecordCapture', data: {} })
      : this.report(state.checkoutId, { type: 'RecordCaptureFailure', data: { reason: capture.reason } });
  }

  /**
   * Void first, refund second: a void refused because the payment was captured after all (another
   * driver's capture got through) means nothing must be undone, and so far nothing has been.
   */
  private async compensate(state: CheckoutState): Promise<CheckoutState> {
    const voided = await this.downstream.void(state.authorisationId!);
    if (voided === 'captured') return this.report(state.checkoutId, { type: 'RecordCapture', data: {} });
    const refunded = await this.downstream.refund(state.request!.accountId, state.transactionId!);
    return this.report(state.checkoutId, { type: 'RecordCompensation', data: { refunded, voided: voided === 'voided' } });
  }

  private async report(checkoutId: string, report: Report): Promise<CheckoutState> {
    const command = { ...report, metadata: metadata(checkoutId) } as CheckoutCommand;
    return (await this.commands.execute(checkoutStreamId(checkoutId), command)).state;
  }
}

const metadata = (checkoutId: string) => commandMetadata('checkout', { correlationId: checkoutId });
