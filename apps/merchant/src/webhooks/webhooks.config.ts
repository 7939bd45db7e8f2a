import { defineSettings, flag, integer, readSettings, text } from '@app/config';
import { DefaultPorts } from '@app/contracts';
import { platformSettings } from '@app/platform';
import { durationMs, parseRetrySchedule, RetrySchedule } from './domain/retry-schedule';
import { TargetPolicy } from './domain/webhook-target';

const DURATION = /^\d+(ms|s|m|h|d)$/;

/** Every variable the webhooks read; listed in Merchant's schema (merchant.config.ts). */
export const webhookSettings = defineSettings('webhooks', {
  WEBHOOK_RETRY_SCHEDULE: text('delays after each failed delivery attempt; past the last one a delivery has failed', {
    default: '1m,5m,30m,2h,5h,10h,6h',
    pattern: /^\d+(ms|s|m|h|d)(,\d+(ms|s|m|h|d))*$/,
    rule: 'durations like 1m,5m,2h',
  }),
  WEBHOOK_DISABLE_AFTER: text('an endpoint failing without a success for this long is disabled', {
    default: '3d',
    pattern: DURATION,
    rule: 'a duration like 3d or 90s',
  }),
  WEBHOOK_TIMEOUT_MS: integer('whole-attempt timeout of a delivery: connect, send, answer', { default: 5_000, min: 1, max: 60_000 }),
  WEBHOOK_POLL_MS: integer('how often the delivery worker looks for due deliveries when nothing woke it', { default: 250, min: 1 }),
  WEBHOOK_CONCURRENCY: integer('endpoints one Merchant process sends to at once, one delivery each', { default: 16, min: 1, max: 1_000 }),
  WEBHOOK_PENDING_AFTER_MS: integer('`checkout.pending` goes out when a checkout is still open this long after it started', {
    default: 10_000,
    min: 1,
  }),
  WEBHOOK_DEVELOPMENT_MODE: flag('`true` allows plain http to loopback and private addresses (never a platform port)', {
    default: false,
  }),
});

/** Every webhook setting, parsed. */
export interface WebhooksConfig {
  retrySchedule: RetrySchedule;
  disableAfterMs: number;
  timeoutMs: number;
  pollMs: number;
  concurrency: number;
  pendingAfterMs: number;
  target: TargetPolicy;
}

/** Ports on this host that belong to the platform: its services, this process, PostgreSQL, RabbitMQ (AMQP, management, clustering). */
const platformPorts = (ownPort: number | undefined): Set<number> =>
  new Set([...Object.values(DefaultPorts), 5432, 5672, 15672, 25672, 4369, ...(ownPort ? [ownPort] : [])]);

/** Reads the webhook settings; a bad variable throws the schema's one error format. */
export function webhooksConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WebhooksConfig {
  const values = readSettings(webhookSettings, env);
  return {
    retrySchedule: parseRetrySchedule(values.WEBHOOK_RETRY_SCHEDULE) ?? [],
    disableAfterMs: durationMs(values.WEBHOOK_DISABLE_AFTER) ?? 0,
    timeoutMs: values.WEBHOOK_TIMEOUT_MS,
    pollMs: values.WEBHOOK_POLL_MS,
    concurrency: values.WEBHOOK_CONCURRENCY,
    pendingAfterMs: values.WEBHOOK_PENDING_AFTER_MS,
    target: { development: values.WEBHOOK_DEVELOPMENT_MODE, platformPorts: platformPorts(readSettings(platformSettings, env).PORT) },
  };
}

let loaded: WebhooksConfig | undefined;
/** The process's settings, read once. */
export const webhooksConfig = (): WebhooksConfig => (loaded ??= webhooksConfigFromEnv());
