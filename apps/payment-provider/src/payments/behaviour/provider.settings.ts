import { Setting, decimal, defineSettings, flag, integer, oneOf, readSettings } from '@app/config';
import { MODES, Mode, NORMAL, OPERATIONS, OperationBehaviour, ProviderBehaviour, patchBehaviour } from './provider-behaviour';

const scopes = [
  { prefix: 'PROVIDER_', of: 'every operation' },
  ...OPERATIONS.map((operation) => ({ prefix: `PROVIDER_${operation.toUpperCase()}_`, of: `${operation} only` })),
];

/** The simulator's test routes and its behaviour at start: for every operation, then per operation (which wins). */
export const providerSettings = defineSettings('payment-provider simulator', {
  PROVIDER_TEST_ROUTES: flag('`false` removes its `/test/behaviour` routes', { default: true }),
  ...Object.fromEntries(
    scopes.flatMap(({ prefix, of }): [string, Setting<unknown>][] => [
      [
        `${prefix}LATENCY_MS`,
        integer(`simulated latency of ${of} (ms)`, { min: 0, max: 600_000, shownDefault: prefix === 'PROVIDER_' ? '`0`' : 'unset' }),
      ],
      [
        `${prefix}FAILURE_RATE`,
        decimal(`share of calls of ${of} that fail`, { min: 0, max: 1, shownDefault: prefix === 'PROVIDER_' ? '`0`' : 'unset' }),
      ],
      [`${prefix}MODE`, oneOf(MODES, `behaviour of ${of}`, { shownDefault: prefix === 'PROVIDER_' ? '`ok`' : 'unset' })],
    ]),
  ),
});

/**
 * Reads `PROVIDER_LATENCY_MS`, `PROVIDER_FAILURE_RATE`, `PROVIDER_MODE` for every operation, and
 * `PROVIDER_<AUTHORISE|CAPTURE|VOID>_<LATENCY_MS|FAILURE_RATE|MODE>` for one; throws on bad values.
 */
export function behaviourFromEnv(env: NodeJS.ProcessEnv): ProviderBehaviour {
  const values = readSettings(providerSettings, env) as Record<string, unknown>;
  const read = (prefix: string): Partial<OperationBehaviour> => {
    const result: Partial<OperationBehaviour> = {};
    const latency = values[`${prefix}LATENCY_MS`];
    const rate = values[`${prefix}FAILURE_RATE`];
    const mode = values[`${prefix}MODE`];
    if (latency !== undefined) result.latencyMs = latency as number;
    if (rate !== undefined) result.failureRate = rate as number;
    if (mode !== undefined) result.mode = mode as Mode;
    return result;
  };
  const everyOperation = read('PROVIDER_');
  const base = { ...NORMAL, ...everyOperation };
  return patchBehaviour(
    { authorise: base, capture: base, void: base, lookup: base },
    Object.fromEntries(OPERATIONS.map((op) => [op, read(`PROVIDER_${op.toUpperCase()}_`)])),
  );
}
