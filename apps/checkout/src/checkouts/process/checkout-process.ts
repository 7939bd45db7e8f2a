import { KeyedSerialQueue, backoffMs, jitteredMs } from '@app/async';
import { DomainError, assertNever } from '@app/domain';
import { ExecuteCall, InjectAggregate, commandMetadata } from '@app/eventstore';
import { contextFromCarrier, inSpan, tracingEnabled } from '@app/tracing';
import { Inject, Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CheckoutAggregate, checkoutAggregate } from '../checkout.aggregate';
import { AbandonCheckout, CheckoutCommand } from '../domain/checkout.commands';
import { CheckoutState, NextStep, isFinal, nextStep, passesScreening } from '../domain/checkout.decider';
import { CheckoutRequest } from '../domain/checkout.events';
import { CHECKOUT_DOWNSTREAM, CheckoutDownstream, VoidOutcome } from '../downstream/checkout-downstream';
import { RECOVERY_OPTIONS } from '../unfinished/recovery.tokens';
import { RecoveryOptions, retryBackoff } from '../unfinished/recovery.options';
import { UnfinishedCheckoutsRepository } from '../unfinished/unfinished-checkouts.repository';
import { CheckoutLeases, isLeaseLost } from '../unfinished/checkout-leases';
import { LeaseFence, LeaseLostError } from './lease-fence';

/** A command without its metadata, which `report` adds. */
type Report = CheckoutCommand extends infer C ? (C extends CheckoutCommand ? Omit<C, 'metadata'> : never) : never;

/** How often a run waiting for another driver's lease asks again (jittered). */
const LEASE_POLL_MS = 100;

/**
 * Drives a checkout from its recorded steps to a final state. Every call to another service is
 * followed by a command reporting its answer, so each answer becomes an event before the next call
 * is made, and a later run (a caller's retry, or the recovery worker) resumes from the last step.
 *
 * A run that resumes first asks the provider what became of the step it may have left half done (an
 * authorisation by its key, a capture by the authorisation's status), so a lost answer is neither
 * repeated blindly nor undone blindly.
 *
 * One driver per checkout, in any process: a run takes the checkout's lease before it reads the
 * checkout and before each outside call, ends every call before its lease does, and reports each
 * step under the lease's epoch, which the database refuses once another driver has taken over (a
 * request's run that stalled past the pending age, the worker of another instance). A driver that
 * lost its lease stops. In this process, concurrent runs of a checkout also go in turn. The callees'
 * idempotency (the checkout id as provider key, account transaction id and fraud assessment id)
 * makes a later driver's calls repeat an earlier one's effects instead of adding to them, and
 * Account refuses the charge of a transaction it was asked to refund before (TRANSACTION_CANCELLED).
 */
@Injectable()
export class CheckoutProcess {
  private readonly runs = new KeyedSerialQueue();

  constructor(
    @InjectAggregate(checkoutAggregate) private readonly checkouts: CheckoutAggregate,
    @Inject(CHECKOUT_DOWNSTREAM) private readonly downstream: CheckoutDownstream,
    private readonly unfinished: UnfinishedCheckoutsRepository,
    private readonly leases: CheckoutLeases,
    @Inject(RECOVERY_OPTIONS) private readonly options: RecoveryOptions,
  ) {}

  /**
   * Starts the checkout (or recognises a retry of it) and runs it; throws when a callee is unavailable.
   * `actor` asked for it (the request's principal); the steps that follow are the process' own.
   * `call.expectNew`: nothing names the checkout yet, so its stream is not read before the start.
   */
  async checkout(
    checkoutId: string,
    idempotencyKey: string,
    request: CheckoutRequest,
    actor = PROCESS_ACTOR,
    call: ExecuteCall = {},
  ): Promise<CheckoutState> {
    // Its CheckoutStarted tracks it as unfinished in the same transaction (unfinishedFollowsEventsDdl):
    // a crash right after the start still leaves it for the worker.
    const started = await this.checkouts.execute(
      checkoutId,
      { type: 'StartCheckout', data: { checkoutId, idempotencyKey, request }, metadata: metadata(checkoutId, actor) },
      call,
    );
    if (isFinal(started.state)) return started.state;
    return started.events.length > 0 ? this.advance(checkoutId, async () => started.state) : this.resume(checkoutId);
  }

  /** Resumes an unfinished checkout from its recorded steps, compensating it once past its deadline. */
  async resume(checkoutId: string): Promise<CheckoutState> {
    return this.advance(checkoutId, () => this.load(checkoutId), true);
  }

  /** Resumes it for the recovery worker, in the trace its start was recorded in: one checkout, one trace. */
  async recover(checkoutId: string): Promise<CheckoutState> {
    if (!tracingEnabled()) return this.resume(checkoutId);
    const [started] = await this.checkouts.readStream(checkoutId, 0, 1);
    const parent = contextFromCarrier(started?.metadata);
    return inSpan('checkout recovery', { parent, attributes: { 'checkout.id': checkoutId } }, () => this.resume(checkoutId));
  }

  /** Stops trying to finish the checkout, at `actor`'s request, and undoes what it did; a final checkout is a 409. */
  async abandon(checkoutId: string, reason: AbandonCheckout['data']['reason'], actor = PROCESS_ACTOR): Promise<CheckoutState> {
    const { state } = await this.checkouts.load(checkoutId);
    if (state.stage === 'none') throw new DomainError('not-found', 'CHECKOUT_NOT_FOUND', `Checkout ${checkoutId} does not exist`);
    if (isFinal(state)) {
      await this.unfinished.finished(checkoutId);
      throw new DomainError('conflict', 'CHECKOUT_ALREADY_FINAL', `Checkout ${checkoutId} is already ${state.stage}`);
    }
    await this.report(checkoutId, { type: 'AbandonCheckout', data: { reason } }, actor);
    return this.advance(checkoutId, () => this.load(checkoutId), true);
  }

  /**
   * One run at a time per checkout in this process, starting from the state `initial` reads once
   * the run has its turn and its lease (a state read earlier may be stale); a failed run schedules
   * the next attempt, and a run that finds the checkout driven by another, or loses it, stops.
   */
  private advance(checkoutId: string, initial: () => Promise<CheckoutState>, resumed = false): Promise<CheckoutState> {
    return this.runs.run(checkoutId, async () => {
      const fence = new LeaseFence(this.leases, checkoutId, { leaseMs: this.options.leaseMs, marginMs: this.options.leaseMarginMs });
      const leased = await this.takeTurn(fence, checkoutId);
      let state = await initial();
      // Nothing to drive: a row an earlier version tracked before a start that never happened, or
      // before an end that did not remove it.
      if (state.stage === 'none' || isFinal(state)) {
        await this.unfinished.finished(checkoutId);
        return state;
      }
      if (!leased) return state;
      try {
        // The final event removed the checkout's row in the transaction that recorded it.
        return await this.drive(state, resumed, fence, (next) => (state = next));
      } catch (error) {
        if (error instanceof LeaseLostError || isLeaseLost(error)) return this.load(checkoutId);
        const delay = (attempts: number) => backoffMs(attempts, retryBackoff(this.options));
        await this.unfinished.failed(checkoutId, nextStep(state), describe(error), delay).catch(() => undefined);
        throw error;
      } finally {
        // A final checkout's row, and its lease with it, went in the transaction of its final event.
        if (!isFinal(state)) await fence.release().catch(() => undefined);
      }
    });
  }

  /**
   * Takes the lease, waiting while another driver holds it (a concurrent request of the same key in
   * another process, or an earlier run whose lease outlives it by the margin), until the checkout is
   * final or the request budget has passed: a retry then answers what that driver reached instead
   * of an early 202. False when it never got the lease.
   */
  private async takeTurn(fence: LeaseFence, checkoutId: string): Promise<boolean> {
    const until = performance.now() + this.options.requestBudgetMs;
    for (;;) {
      if (await fence.take()) return true;
      if (performance.now() >= until) return false;
      const state = await this.load(checkoutId);
      if (state.stage === 'none' || isFinal(state)) return false;
      await sleep(jitteredMs(LEASE_POLL_MS));
    }
  }

  private async drive(
    initial: CheckoutState,
    resumed: boolean,
    fence: LeaseFence,
    progressed: (state: CheckoutState) => void,
  ): Promise<CheckoutState> {
    let state = initial;
    // Only the first step of a resumed run may have been tried before.
    for (let first = true; ; first = false) {
      const step = nextStep(state);
      const asked = resumed && first;
      // Past its deadline a checkout only goes back, whoever drives it.
      if (fence.overdue && FORWARD.has(step)) {
        state = await this.report(fence, { type: 'AbandonCheckout', data: { reason: 'DEADLINE_EXCEEDED' } });
        progressed(state);
        continue;
      }
      if (step === 'done') return state;
      const current = state;
      state = await inSpan(`checkout ${step}`, { attributes: { 'checkout.id': state.checkoutId } }, () =>
        this.takeStep(step, fence, current, asked),
      );
      progressed(state);
    }
  }

  /** One step's calls and the report of their answers. */
  private takeStep(step: Exclude<NextStep, 'done'>, fence: LeaseFence, state: CheckoutState, asked: boolean): Promise<CheckoutState> {
    switch (step) {
      case 'start':
        throw new Error(`Checkout ${state.checkoutId} is driven before it was started`);
      case 'screen-and-authorise':
        return this.screenAndAuthorise(fence, state, asked);
      case 'charge':
        return this.charge(fence, state);
      case 'capture':
        return this.capture(fence, state, asked);
      case 'compensate':
        return this.compensate(fence, state);
      default:
        return assertNever(step);
    }
  }

  private async screenAndAuthorise(fence: LeaseFence, state: CheckoutState, askFirst: boolean): Promise<CheckoutState> {
    const { checkoutId, total } = state;
    const request = state.request!;
    // Asked under this run's lease, so after every call of an earlier driver has taken effect.
    const earlier = askFirst ? await fence.call(() => this.downstream.findAuthorisation(checkoutId)) : undefined;
    if (earlier?.status === 'voided') return this.report(fence, { type: 'RejectAuthorisation', data: { reason: 'AUTHORISATION_VOIDED' } });
    // Screening passed before that authorisation was asked for: its answer was only lost.
    if (earlier) return this.report(fence, { type: 'RecordAuthorisation', data: { authorisationId: earlier.authorisationId } });
    const facts = await fence.call(() => this.downstream.screen(checkoutId, request, total));
    // Only a refusal is recorded on its own; a pass is recorded by the authorisation it leads to,
    // which a resumed run finds by key (above) and takes as the pass.
    if (!passesScreening(state, facts)) return this.report(fence, { type: 'ScreenCheckout', data: facts });
    const authorisation = await fence.call(() => this.downstream.authorise(checkoutId, total, request.currency));
    if (!authorisation.ok) return this.report(fence, { type: 'RejectAuthorisation', data: { reason: authorisation.reason } });
    const authorised = await this.report(fence, {
      type: 'RecordAuthorisation',
      data: { authorisationId: authorisation.authorisationId, assessmentId: facts.assessment.assessmentId },
    });
    // Another driver ended the checkout meanwhile (refused, or abandoned and compensated) without
    // this authorisation, and nobody else will release its hold.
    if (isFinal(authorised) && authorised.authorisationId === undefined)
      await fence.call(() => this.downstream.void(authorisation.authorisationId));
    return authorised;
  }

  private async charge(fence: LeaseFence, state: CheckoutState): Promise<CheckoutState> {
    const charge = await fence.call(() => this.downstream.charge(state.checkoutId, state.request!, state.total));
    if (charge.ok)
      return this.report(fence, {
        type: 'RecordCharge',
        data: { transactionId: state.checkoutId, balanceAfter: charge.balanceAfter },
      });
    // Nothing was charged, so the only thing to undo is the hold on the buyer's payment.
    const voided = await fence.call(() => this.downstream.void(state.authorisationId!));
    return this.report(fence, { type: 'RejectCharge', data: { reason: charge.reason, voided: voided === 'voided' } });
  }

  private async capture(fence: LeaseFence, state: CheckoutState, askFirst: boolean): Promise<CheckoutState> {
    const { authorisationId } = state;
    if (askFirst) {
      const status = await fence.call(() => this.downstream.authorisationStatus(authorisationId!));
      if (status === 'captured') return this.report(fence, { type: 'RecordCapture', data: {} });
      if (status !== 'authorised')
        return this.report(fence, {
          type: 'RecordCaptureFailure',
          data: { reason: `AUTHORISATION_${status ?? 'not_found'}`.toUpperCase() },
        });
    }
    const capture = await fence.call(() => this.downstream.capture(authorisationId!));
    return capture.ok
      ? this.report(fence, { type: 'RecordCapture', data: {} })
      : this.report(fence, { type: 'RecordCaptureFailure', data: { reason: capture.reason } });
  }

  /**
   * Void first, refund second: a void refused because the payment was captured after all (another
   * driver's capture got through) means nothing must be undone, and so far nothing has been. An
   * abandoned checkout may hold an authorisation whose answer was lost, so it is looked up by key,
   * under this run's lease: after every call of an earlier driver has taken effect. Only a checkout
   * that reached the charge asks for a refund; Account refunds only a purchase it recorded, and
   * cancels a transaction it has not charged, so a charge still on its way is refused when it lands.
   */
  private async compensate(fence: LeaseFence, state: CheckoutState): Promise<CheckoutState> {
    const { checkoutId } = state;
    const authorisationId =
      state.authorisationId ?? (await fence.call(() => this.downstream.findAuthorisation(checkoutId)))?.authorisationId;
    let voided: VoidOutcome = 'not-voided';
    if (authorisationId !== undefined) voided = await fence.call(() => this.downstream.void(authorisationId));
    if (voided === 'captured') return this.report(fence, { type: 'RecordCapture', data: {} });
    const mayBeCharged = state.stage === 'capture-failed' || state.abandonedFrom === 'authorised' || state.abandonedFrom === 'charged';
    const refunded = mayBeCharged && (await fence.call(() => this.downstream.refund(state.request!.accountId, checkoutId)));
    return this.report(fence, { type: 'RecordCompensation', data: { refunded, voided: voided === 'voided' } });
  }

  private async load(checkoutId: string): Promise<CheckoutState> {
    return (await this.checkouts.load(checkoutId)).state;
  }

  /** Records a step: under the run's lease when a fence is given (refused once another driver took over), else unconditionally. */
  private async report(on: LeaseFence | string, report: Report, actor = PROCESS_ACTOR): Promise<CheckoutState> {
    const checkoutId = typeof on === 'string' ? on : on.checkoutId;
    const leased = typeof on === 'string' ? {} : { leaseEpoch: on.epoch };
    const command = { ...report, metadata: { ...metadata(checkoutId, actor), ...leased } } as CheckoutCommand;
    return (await this.checkouts.execute(checkoutId, command)).state;
  }
}

/** The steps that move a checkout towards completion, which its deadline stops. */
const FORWARD = new Set<NextStep>(['screen-and-authorise', 'charge', 'capture']);

/** The actor of the steps the process records itself, from the callees' answers (in a request's run or the worker's). */
const PROCESS_ACTOR = 'checkout';

// Every event of a checkout carries its id as correlation id, whoever drove the step.
const metadata = (checkoutId: string, actor: string) => commandMetadata(actor, { correlationId: checkoutId });

/** The error as an operator reads it: a code and what the callee said, never a stack or personal data. */
function describe(error: unknown): string {
  const { code, message, cause } = error as { code?: string; message?: string; cause?: { message?: string } };
  return [code, cause?.message ?? message].filter(Boolean).join(': ') || String(error);
}
