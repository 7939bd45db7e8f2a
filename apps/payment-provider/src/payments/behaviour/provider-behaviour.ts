/** `lookup` is reading an authorisation back, by id or by idempotency key. */
export const OPERATIONS = ['authorise', 'capture', 'void', 'lookup'] as const;
export type Operation = (typeof OPERATIONS)[number];

/**
 * `timeout` holds the call and changes nothing; `lost` makes the change and then answers 504 as if
 * the answer had been lost on its way back; `down` refuses at once with 503, as an outage would;
 * `late` makes the change after its latency even when the caller has given up waiting meanwhile.
 */
export const MODES = ['ok', 'fail', 'timeout', 'lost', 'down', 'late'] as const;
export type Mode = (typeof MODES)[number];

/** How the simulated provider treats one operation. */
export interface OperationBehaviour {
  latencyMs: number;
  /** Probability in 0..1 that an otherwise `ok` call fails. */
  failureRate: number;
  mode: Mode;
}

export type ProviderBehaviour = Record<Operation, OperationBehaviour>;
export type BehaviourPatch = Partial<Record<Operation, Partial<OperationBehaviour>>>;

export const NORMAL: OperationBehaviour = { latencyMs: 0, failureRate: 0, mode: 'ok' };

/** What happens to one call, given its behaviour and a uniform random roll in [0, 1). */
export function outcomeOf(behaviour: OperationBehaviour, roll: number): Mode {
  if (behaviour.mode !== 'ok') return behaviour.mode;
  return roll < behaviour.failureRate ? 'fail' : 'ok';
}

/** Applies a patch on top of `current`: only the operations and fields it names change. */
export const patchBehaviour = (current: ProviderBehaviour, patch: BehaviourPatch): ProviderBehaviour => ({
  authorise: { ...current.authorise, ...defined(patch.authorise) },
  capture: { ...current.capture, ...defined(patch.capture) },
  void: { ...current.void, ...defined(patch.void) },
  lookup: { ...current.lookup, ...defined(patch.lookup) },
});

const defined = <T extends object>(value: T | undefined): Partial<T> =>
  Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
