import { KeyedSerialQueue, backoffMs } from '@app/async';
import { DomainError, assertNever } from '@app/domain';
import { commandMetadata } from '@app/eventstore';
import { Inject, Injectable } from '@nestjs/common';
import { CheckoutCommands, checkoutStreamId } from '../checkout-commands';
import { AbandonCheckout, CheckoutCommand } from '../domain/checkout.commands';
import { CheckoutState, isFinal, nextStep, passesScreening } from '../domain/checkout.decider';
import { CheckoutRequest } from '../domain/checkout.events';
import { CHECKOUT_DOWNSTREAM, CheckoutDownstream, VoidOutcome } from '../downstream/checkout-downstream';
import { RECOVERY_OPTIONS } from '../recovery/recovery.tokens';
import { RecoveryOptions, retryBackoff } from '../recovery/recovery.options';
import { UnfinishedCheckoutsRepository } from '../recovery/unfinished-checkouts.repository';

/** A command without its metadata, which `report` adds. */
type Report = CheckoutCommand extends infer C ? (C extends CheckoutCommand ? Omit<C, 'metadata'> : never) : never;

/**
 * Drives a checkout from its recorded steps to a final state. Every call to another service is
 * followed by a command reporting its answer, so each answer becomes an event before the next call
 * is made, and a later run (a caller's retry, or the recovery worker) resumes from the last step.
 *
 * A run that resumes first asks the provider what became of the step it may have left half done (an
 * authorisation by its key, a capture by the authorisation's status), so a lost answer is neither
 * repeated blindly nor undone blindly.
 *
 * One driver per checkout: in this process, concurrent runs of a checkout drive it in turn (the
 * later one finds it finished, or resumes it if the first failed); across
 * processes, the stream version lets only one report of each step through, and the callees'
 * idempotency (the checkout id as provider key, account transaction id and fraud assessment id)
 * makes a duplicate driver's calls repeat the first driver's effects instead of adding to them.
 */
@Injectable()
export class CheckoutProcess {
  private readonly runs = new KeyedSerialQueue();

  constructor(
    private readonly commands: CheckoutCommands,
    @Inject(CHECKOUT_DOWNSTREAM) private readonly downstream: CheckoutDownstream,
    private readonly unfinished: UnfinishedCheckoutsRepository,
    @Inject(RECOVERY_OPTIONS) private readonly options: RecoveryOptions,
  ) {}

  /** Starts the checkout (or recognises a retry of it) and runs it; throws when a callee is unavailable. */
  async checkout(checkoutId: string, idempotencyKey: string, request: CheckoutRequest): Promise<CheckoutState> {
    // Its CheckoutStarted tracks it as unfinished in the same transaction (unfinishedFollowsEventsDdl):
    // a crash right after the start still leaves it for the worker.
    const started = await this.commands.execute(checkoutStreamId(checkoutId), {
      type: 'StartCheckout',
      data: { checkoutId, idempotencyKey, request },
      metadata: metadata(checkoutId),
    });
    if (isFinal(started.state)) return started.state;
    return started.events.length > 0 ? this.advance(checkoutId, async () => started.state) : this.resume(checkoutId);
  }

  /** Resumes an unfinished checkout from its recorded steps, compensating it once past its deadline. */
  async resume(checkoutId: string): Promise<CheckoutState> {
    const row = await this.unfinished.find(checkoutId);
    if (row?.overdue) {
      const state = await this.load(checkoutId);
      if (state.stage !== 'none' && !isFinal(state)) return this.abandon(checkoutId, 'DEADLINE_EXCEEDED');
    }
    return this.advance(checkoutId, () => this.load(checkoutId), true);
  }

  /** Stops trying to finish the checkout and undoes what it did; a final checkout is a 409. */
  async abandon(checkoutId: string, reason: AbandonCheckout['data']['reason']): Promise<CheckoutState> {
    const { state } = await this.commands.load(checkoutStreamId(checkoutId));
    if (state.stage === 'none') throw new DomainError('not-found', 'CHECKOUT_NOT_FOUND', `Checkout ${checkoutId} does not exist`);
    if (isFinal(state)) {
      await this.unfinished.finished(checkoutId);
      throw new DomainError('conflict', 'CHECKOUT_ALREADY_FINAL', `Checkout ${checkoutId} is already ${state.stage}`);
    }
    await this.report(checkoutId, { type: 'AbandonCheckout', data: { reason } });
    return this.advance(checkoutId, () => this.load(checkoutId), true);
  }

  /**
   * One run at a time per checkout in this process, starting from the state `initial` reads once
   * the run has its turn (a state read earlier may be stale); a failed run schedules the next attempt.
   */
  private advance(checkoutId: string, initial: () => Promise<CheckoutState>, resumed = false): Promise<CheckoutState> {
    return this.runs.run(checkoutId, async () => {
      let state = await initial();
      // Nothing to drive: a row an earlier version tracked before a start that never happened, or
      // before an end that did not remove it.
      if (state.stage === 'none' || isFinal(state)) {
        await this.unfinished.finished(checkoutId);
        return state;
      }
      try {
        // The final event removed the checkout's row in the transaction that recorded it.
        return await this.drive(state, resumed, (next) => (state = next));
      } catch (error) {
        const delay = (attempts: number) => backoffMs(attempts, retryBackoff(this.options));
        await this.unfinished.failed(checkoutId, nextStep(state), describe(error), delay).catch(() => undefined);
        throw error;
      }
    });
  }

  private async drive(initial: CheckoutState, resumed: boolean, progressed: (state: CheckoutState) => void): Promise<CheckoutState> {
    let state = initial;
    // Only the first step of a resumed run may have been tried before.
    for (let first = true; ; first = false) {
      const step = nextStep(state);
      const asked = resumed && first;
      switch (step) {
        case 'done':
          return state;
        case 'start':
          throw new Error(`Checkout ${state.checkoutId} is driven before it was started`);
        case 'screen-and-authorise':
          state = await this.screenAndAuthorise(state, asked);
          break;
        case 'charge':
          state = await this.charge(state);
          break;
        case 'capture':
          state = await this.capture(state, asked);
          break;
        case 'compensate':
          state = await this.compensate(state);
          break;
        default:
          return assertNever(step);
      }
      progressed(state);
    }
  }

  private async screenAndAuthorise(state: CheckoutState, askFirst: boolean): Promise<CheckoutState> {
    const { checkoutId, total } = state;
    const request = state.request!;
    const earlier = askFirst ? await this.downstream.findAuthorisation(checkoutId) : undefined;
    if (earlier?.status === 'voided')
      return this.report(checkoutId, { type: 'RejectAuthorisation', data: { reason: 'AUTHORISATION_VOIDED' } });
    // Screening passed before that authorisation was asked for: its answer was only lost.
    if (earlier) return this.report(checkoutId, { type: 'RecordAuthorisation', data: { authorisationId: earlier.authorisationId } });
    const facts = await this.downstream.screen(checkoutId, request, total);
    // Only a refusal is recorded on its own; a pass is recorded by the authorisation it leads to,
    // which a resumed run finds by key (above) and takes as the pass.
    if (!passesScreening(state, facts)) return this.report(checkoutId, { type: 'ScreenCheckout', data: facts });
    const authorisation = await this.downstream.authorise(checkoutId, total, request.currency);
    if (!authorisation.ok) return this.report(checkoutId, { type: 'RejectAuthorisation', data: { reason: authorisation.reason } });
    const authorised = await this.report(checkoutId, {
      type: 'RecordAuthorisation',
      data: { authorisationId: authorisation.authorisationId, assessmentId: facts.assessment.assessmentId },
    });
    // Another driver ended the checkout meanwhile (refused, or abandoned and compensated) without
    // this authorisation, and nobody else will release its hold.
    if (isFinal(authorised) && authorised.authorisationId === undefined) await this.downstream.void(authorisation.authorisationId);
    return authorised;
  }

  private async charge(state: CheckoutState): Promise<CheckoutState> {
    const charge = await this.downstream.charge(state.checkoutId, state.request!, state.total);
    if (charge.ok)
      return this.report(state.checkoutId, {
        type: 'RecordCharge',
        data: { transactionId: state.checkoutId, balanceAfter: charge.balanceAfter },
      });
    // Nothing was charged, so the only thing to undo is the hold on the buyer's payment.
    const voided = await this.downstream.void(state.authorisationId!);
    return this.report(state.checkoutId, { type: 'RejectCharge', data: { reason: charge.reason, voided: voided === 'voided' } });
  }

  private async capture(state: CheckoutState, askFirst: boolean): Promise<CheckoutState> {
    const { checkoutId, authorisationId } = state;
    if (askFirst) {
      const status = await this.downstream.authorisationStatus(authorisationId!);
      if (status === 'captured') return this.report(checkoutId, { type: 'RecordCapture', data: {} });
      if (status !== 'authorised')
        return this.report(checkoutId, {
          type: 'RecordCaptureFailure',
          data: { reason: `AUTHORISATION_${status ?? 'not_found'}`.toUpperCase() },
        });
    }
    const capture = await this.downstream.capture(authorisationId!);
    return capture.ok
      ? this.report(checkoutId, { type: 'RecordCapture', data: {} })
      : this.report(checkoutId, { type: 'RecordCaptureFailure', data: { reason: capture.reason } });
  }

  /**
   * Void first, refund second: a void refused because the payment was captured after all (another
   * driver's capture got through) means nothing must be undone, and so far nothing has been. An
   * abandoned checkout may hold an authorisation whose answer was lost, so it is looked up by key.
   * Only a checkout that reached the charge asks for a refund, and Account refunds only a purchase
   * it recorded, so nothing that was not charged is ever refunded.
   */
  private async compensate(state: CheckoutState): Promise<CheckoutState> {
    const { checkoutId } = state;
    const authorisationId = state.authorisationId ?? (await this.downstream.findAuthorisation(checkoutId))?.authorisationId;
    let voided: VoidOutcome = 'not-voided';
    if (authorisationId !== undefined) voided = await this.downstream.void(authorisationId);
    if (voided === 'captured') return this.report(checkoutId, { type: 'RecordCapture', data: {} });
    const mayBeCharged = state.stage === 'capture-failed' || state.abandonedFrom === 'authorised' || state.abandonedFrom === 'charged';
    const refunded = mayBeCharged && (await this.downstream.refund(state.request!.accountId, checkoutId));
    return this.report(checkoutId, { type: 'RecordCompensation', data: { refunded, voided: voided === 'voided' } });
  }

  private async load(checkoutId: string): Promise<CheckoutState> {
    return (await this.commands.load(checkoutStreamId(checkoutId))).state;
  }

  private async report(checkoutId: string, report: Report): Promise<CheckoutState> {
    const command = { ...report, metadata: metadata(checkoutId) } as CheckoutCommand;
    return (await this.commands.execute(checkoutStreamId(checkoutId), command)).state;
  }
}

const metadata = (checkoutId: string) => commandMetadata('checkout', { correlationId: checkoutId });

/** The error as an operator reads it: a code and what the callee said, never a stack or personal data. */
function describe(error: unknown): string {
  const { code, message, cause } = error as { code?: string; message?: string; cause?: { message?: string } };
  return [code, cause?.message ?? message].filter(Boolean).join(': ') || String(error);
}
