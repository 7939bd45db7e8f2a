import { readSettings } from '@app/config';
import { ProviderBehaviour } from './behaviour/provider-behaviour';
import { behaviourFromEnv, providerSettings } from './behaviour/provider.settings';

export const PROVIDER_OPTIONS = Symbol('PROVIDER_OPTIONS');

/** Everything the simulator is configured with; built from the environment by main.ts. */
export interface PaymentProviderOptions {
  logLevel: string;
  /** `PUT/GET/DELETE /test/behaviour`; on unless `PROVIDER_TEST_ROUTES=false`. */
  testRoutes: boolean;
  /** The behaviour at start and after `DELETE /test/behaviour`. */
  behaviour: ProviderBehaviour;
  /** How long a `timeout` call is held before it gives up with 504; beyond any sane client timeout. */
  timeoutHoldMs?: number;
  /** Uniform random source in [0, 1), replaceable to make failure rates deterministic. */
  random?: () => number;
}

/** Reads the simulator's options from the environment, throwing on invalid values. */
export const providerOptionsFromEnv = (env: NodeJS.ProcessEnv, logLevel: string): PaymentProviderOptions => ({
  logLevel,
  testRoutes: readSettings(providerSettings, env).PROVIDER_TEST_ROUTES !== false,
  behaviour: behaviourFromEnv(env),
});
