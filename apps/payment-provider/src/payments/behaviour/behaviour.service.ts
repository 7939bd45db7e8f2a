import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ProblemException } from '@app/platform';
import { setTimeout as sleep } from 'timers/promises';
import { PaymentProviderOptions, PROVIDER_OPTIONS } from '../provider-options';
import { BehaviourPatch, Mode, Operation, outcomeOf, patchBehaviour, ProviderBehaviour } from './provider-behaviour';

const DEFAULT_TIMEOUT_HOLD_MS = 35_000;

/** Holds the current behaviour knobs and makes each call honour them. */
@Injectable()
export class BehaviourService implements OnModuleDestroy {
  private current: ProviderBehaviour;
  private readonly shutdown = new AbortController();

  constructor(@Inject(PROVIDER_OPTIONS) private readonly options: PaymentProviderOptions) {
    this.current = options.behaviour;
  }

  get behaviour(): ProviderBehaviour {
    return this.current;
  }

  patch(patch: BehaviourPatch): ProviderBehaviour {
    this.current = patchBehaviour(this.current, patch);
    return this.current;
  }

  reset(): ProviderBehaviour {
    this.current = this.options.behaviour;
    return this.current;
  }

  /**
   * Delays, fails or holds one call as configured, before the operation takes effect: a failed or
   * timed-out call changes nothing; a `lost` one is returned, and the caller makes the change and
   * then answers with `lostAnswer`. `signal` ends a hold early when the caller hangs up, except for
   * a `late` call, which takes effect after its latency all the same.
   */
  async apply(operation: Operation, signal?: AbortSignal): Promise<Mode> {
    const behaviour = this.current[operation];
    // A late call goes on after its caller hung up, as a provider that answers after the caller gave up.
    const late = behaviour.mode === 'late';
    if (behaviour.latencyMs > 0) await this.wait(behaviour.latencyMs, late ? undefined : signal);
    if (late) return 'ok';
    const outcome = outcomeOf(behaviour, (this.options.random ?? Math.random)());
    if (outcome === 'timeout') {
      await this.wait(this.options.timeoutHoldMs ?? DEFAULT_TIMEOUT_HOLD_MS, signal);
      throw new ProblemException(504, 'PROVIDER_TIMEOUT', `The provider did not complete the ${operation} in time.`);
    }
    if (outcome === 'down') throw new ProblemException(503, 'PROVIDER_UNAVAILABLE', 'The provider is unavailable.');
    if (outcome === 'fail') {
      throw operation === 'authorise'
        ? new ProblemException(502, 'PROVIDER_DECLINED', 'The provider declined the authorisation.')
        : new ProblemException(502, 'PROVIDER_ERROR', `The provider failed to ${operation} the authorisation.`);
    }
    return outcome;
  }

  /** The answer a caller gets when the provider did the work but the answer did not reach it. */
  lostAnswer(operation: Operation): ProblemException {
    return new ProblemException(504, 'PROVIDER_TIMEOUT', `The provider did not answer the ${operation} in time.`);
  }

  // Ends held calls so that shutdown is not blocked for the length of a simulated timeout.
  onModuleDestroy(): void {
    this.shutdown.abort();
  }

  // The caller's and the shutdown's signals are combined only for a call that waits: AbortSignal.any
  // cost 2% of the simulator's CPU when made for every call.
  private async wait(ms: number, callerSignal: AbortSignal | undefined): Promise<void> {
    const signal = callerSignal ? AbortSignal.any([callerSignal, this.shutdown.signal]) : this.shutdown.signal;
    await sleep(ms, undefined, { signal }).catch(() => {
      throw new ProblemException(503, 'PROVIDER_ABORTED', 'The call was abandoned before the provider answered.');
    });
  }
}
