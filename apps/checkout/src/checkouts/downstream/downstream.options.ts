import { defineSettings, integer, readSettings } from '@app/config';

/** How Checkout talks to other services; read from the environment at start. */
export interface DownstreamOptions {
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  /** How long a 404 for a just-opened account is retried: Account's read model is eventually consistent. */
  accountReadGraceMs: number;
}

/** Checkout's calls to the other services. */
export const downstreamSettings = defineSettings('checkout downstream calls', {
  CHECKOUT_HTTP_TIMEOUT_MS: integer('longest wait for one answer of another service (ms)', { default: 3_000, min: 0 }),
  CHECKOUT_HTTP_RETRIES: integer('further attempts of a call that may be repeated', { default: 2, min: 0 }),
  CHECKOUT_HTTP_BACKOFF_MS: integer('first retry’s backoff ceiling, doubled each time, with jitter (ms)', { default: 50, min: 0 }),
  CHECKOUT_ACCOUNT_READ_GRACE_MS: integer('how long a just-opened account may still be missing from Account’s read model (ms)', {
    default: 1_500,
    min: 0,
  }),
});

/** Reads the downstream call settings, throwing one readable error for every bad variable. */
export function downstreamOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DownstreamOptions {
  const v = readSettings(downstreamSettings, env);
  return {
    timeoutMs: v.CHECKOUT_HTTP_TIMEOUT_MS,
    retries: v.CHECKOUT_HTTP_RETRIES,
    backoffMs: v.CHECKOUT_HTTP_BACKOFF_MS,
    accountReadGraceMs: v.CHECKOUT_ACCOUNT_READ_GRACE_MS,
  };
}
