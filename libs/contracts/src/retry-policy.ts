import { defineSettings, integer, readSettings, text } from '@app/config';

/**
 * How a consumer's failed message is tried again: the delays it waits, shortest first, and the
 * attempts before it is dead-lettered. An installation setting: `npm run provision` declares one
 * retry queue per delay and hands the same settings to every service (RETRY_TIERS,
 * RETRY_MAX_ATTEMPTS in its settings), so producers of retries and their queues agree.
 *
 * Each delay has its own queue, `<queue>.retry.<tier>`, where every message waits exactly that long
 * (a queue-level TTL): a message expires only at the head of its queue, and in a queue whose
 * messages all wait the same time the head always expires first, so a short delay never waits
 * behind a long one. A message's n-th failure waits in the n-th tier, and in the last one from then
 * on. A tier is named after its delay: another delay is another queue, never a changed one (the
 * broker cannot change a queue's arguments in place).
 */
export interface RetryTier {
  /** The delay as the queue name carries it: `250ms`, `1s`, `30s`. */
  name: string;
  delayMs: number;
}

export interface RetryPolicy {
  tiers: readonly RetryTier[];
  /** Attempts before a transiently failing message is dead-lettered. */
  maxAttempts: number;
}

export const DEFAULT_RETRY_TIERS = '250ms,1s,5s,30s';
export const DEFAULT_MAX_ATTEMPTS = 5;

/** A delay's canonical name: whole seconds as `<n>s`, anything else as `<n>ms`. */
export const retryTierNameOf = (delayMs: number): string => (delayMs % 1_000 === 0 ? `${delayMs / 1_000}s` : `${delayMs}ms`);

/** `"250ms,1s,5s,30s"` → the tiers; throws on anything else than ascending positive delays. */
export function parseRetryTiers(text: string): RetryTier[] {
  const tiers = text.split(',').map((part) => {
    const match = /^\s*(\d+)\s*(ms|s)\s*$/.exec(part);
    if (!match) throw new Error(`RETRY_TIERS: "${part.trim()}" is not a delay like 250ms or 5s`);
    const delayMs = Number(match[1]) * (match[2] === 's' ? 1_000 : 1);
    return { name: retryTierNameOf(delayMs), delayMs };
  });
  tiers.forEach((tier, i) => {
    if (tier.delayMs <= 0 || (i > 0 && tier.delayMs <= tiers[i - 1].delayMs))
      throw new Error(`RETRY_TIERS: delays must be positive and ascending ("${text}")`);
  });
  return tiers;
}

/** RETRY_TIERS and RETRY_MAX_ATTEMPTS: written by `npm run provision` for every consumer, so queues and consumers agree. */
export const retrySettings = defineSettings(
  'retry policy',
  {
    RETRY_TIERS: text('ascending retry delays (`ms` or `s`): one queue `<queue>.retry.<delay>` per delay; another delay is another queue', {
      default: DEFAULT_RETRY_TIERS,
      pattern: /^\s*\d+\s*(ms|s)\s*(,\s*\d+\s*(ms|s)\s*)*$/,
      rule: 'a comma-separated list of delays like 250ms,1s,5s,30s',
    }),
    RETRY_MAX_ATTEMPTS: integer('tries of a failing message before it is dead-lettered', {
      default: DEFAULT_MAX_ATTEMPTS,
      min: 1,
      max: 1_000,
    }),
  },
  (values) => {
    try {
      parseRetryTiers(values.RETRY_TIERS);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  },
);

/** The retry policy of RETRY_TIERS and RETRY_MAX_ATTEMPTS in `env`, the defaults where unset. */
export function retryPolicyFrom(env: Readonly<Record<string, string | undefined>>): RetryPolicy {
  const values = readSettings(retrySettings, env);
  return { tiers: parseRetryTiers(values.RETRY_TIERS), maxAttempts: values.RETRY_MAX_ATTEMPTS };
}

/** This process's retry policy (its environment, as provisioned). Read on each call: cheap, and a spec may set its own. */
export const configuredRetryPolicy = (): RetryPolicy => retryPolicyFrom(process.env);

/** The settings that give a service `policy`, as provisioning writes them. */
export const retryPolicySettings = (policy: RetryPolicy): Record<string, string> => ({
  RETRY_TIERS: policy.tiers.map((tier) => tier.name).join(','),
  RETRY_MAX_ATTEMPTS: String(policy.maxAttempts),
});

/** The tier a message waits in after its `attempt`-th failure (1-based). */
export const retryTierOf = (attempt: number, tiers: readonly RetryTier[] = configuredRetryPolicy().tiers): RetryTier =>
  tiers[Math.min(Math.max(1, attempt), tiers.length) - 1];
