import { NORMAL, outcomeOf, patchBehaviour, ProviderBehaviour } from './provider-behaviour';
import { behaviourFromEnv } from './provider.settings';

const normal: ProviderBehaviour = { authorise: NORMAL, capture: NORMAL, void: NORMAL, lookup: NORMAL };

describe('outcomeOf', () => {
  it('follows an explicit mode whatever the roll', () => {
    expect(outcomeOf({ ...NORMAL, mode: 'fail' }, 0.99)).toBe('fail');
    expect(outcomeOf({ ...NORMAL, mode: 'timeout' }, 0)).toBe('timeout');
  });

  it('fails an ok call when the roll falls under the failure rate', () => {
    const flaky = { ...NORMAL, failureRate: 0.25 };
    expect(outcomeOf(flaky, 0.1)).toBe('fail');
    expect(outcomeOf(flaky, 0.25)).toBe('ok');
    expect(outcomeOf(NORMAL, 0)).toBe('ok');
    expect(outcomeOf({ ...NORMAL, failureRate: 1 }, 0.999)).toBe('fail');
  });
});

describe('patchBehaviour', () => {
  it('changes only the operations and fields it names', () => {
    const patched = patchBehaviour(normal, { capture: { mode: 'fail', latencyMs: undefined } });
    expect(patched).toEqual({ authorise: NORMAL, capture: { ...NORMAL, mode: 'fail' }, void: NORMAL, lookup: NORMAL });
    expect(patchBehaviour(patched, { capture: { latencyMs: 5 } }).capture).toEqual({ latencyMs: 5, failureRate: 0, mode: 'fail' });
  });
});

describe('behaviourFromEnv', () => {
  it('is normal without variables', () => {
    expect(behaviourFromEnv({})).toEqual(normal);
  });

  it('applies the global knobs to every operation and lets per-operation knobs override them', () => {
    const behaviour = behaviourFromEnv({
      PROVIDER_LATENCY_MS: '20',
      PROVIDER_FAILURE_RATE: '0.1',
      PROVIDER_CAPTURE_FAILURE_RATE: '0.5',
      PROVIDER_VOID_MODE: 'timeout',
    });
    expect(behaviour).toEqual({
      authorise: { latencyMs: 20, failureRate: 0.1, mode: 'ok' },
      capture: { latencyMs: 20, failureRate: 0.5, mode: 'ok' },
      void: { latencyMs: 20, failureRate: 0.1, mode: 'timeout' },
      lookup: { latencyMs: 20, failureRate: 0.1, mode: 'ok' },
    });
  });

  it('lists every invalid variable', () => {
    expect(() => behaviourFromEnv({ PROVIDER_LATENCY_MS: '-1', PROVIDER_AUTHORISE_FAILURE_RATE: '2', PROVIDER_MODE: 'slow' })).toThrow(
      /PROVIDER_LATENCY_MS must be an integer[\s\S]*PROVIDER_MODE must be one of ok, fail, timeout, lost, down[\s\S]*PROVIDER_AUTHORISE_FAILURE_RATE must be a number of at least 0 and at most 1/,
    );
  });
});
