import { DefaultPorts } from '@app/contracts';
import { durationMs, parseRetrySchedule, RetrySchedule } from './domain/retry-schedule';
import { TargetPolicy } from './domain/webhook-target';

/** Every webhook setting; the only place their variables are read. */
export interface WebhooksConfig {
  /** Delays after each failed attempt (`WEBHOOK_RETRY_SCHEDULE`, default 1m,5m,30m,2h,5h,10h,6h: 8 attempts over ~24 h). */
  retrySchedule: RetrySchedule;
  /** An endpoint failing without a success for this long is disabled (`WEBHOOK_DISABLE_AFTER`, default 3d). */
  disableAfterMs: number;
  /** Whole-attempt timeout: connect, send, answer (`WEBHOOK_TIMEOUT_MS`, default 5000). */
  timeoutMs: number;
  /** How often the worker looks for due deliveries when nothing woke it (`WEBHOOK_POLL_MS`, default 250). */
  pollMs: number;
  /** Endpoints a process sends to at once, one delivery each (`WEBHOOK_CONCURRENCY`, default 16). */
  concurrency: number;
  /** `checkout.pending` goes out when a checkout is still open this long after it started (`WEBHOOK_PENDING_AFTER_MS`, default 10000). */
  pendingAfterMs: number;
  /** `WEBHOOK_DEVELOPMENT_MODE=true`: plain http to loopback and private addresses are allowed (default false: production). */
  target: TargetPolicy;
}

/** Ports on this host that belong to the platform: its services, PostgreSQL, RabbitMQ (AMQP, management, clustering). */
const platformPorts = (env: NodeJS.ProcessEnv): Set<number> =>
  new Set([...Object.values(DefaultPorts), 5432, 5672, 15672, 25672, 4369, ...(env.PORT ? [Number(env.PORT)] : [])]);

/** Reads the webhook settings, throwing one readable error for every bad variable. */
export function webhooksConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WebhooksConfig {
  const problems: string[] = [];
  const whole = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^[1-9]\d{0,9}$/.test(raw)) problems.push(`${name} must be a positive whole number (got "${raw}")`);
    return Number(raw);
  };
  const scheduleText = env.WEBHOOK_RETRY_SCHEDULE || '1m,5m,30m,2h,5h,10h,6h';
  const retrySchedule = parseRetrySchedule(scheduleText);
  if (!retrySchedule) problems.push(`WEBHOOK_RETRY_SCHEDULE must be durations like 1m,5m,2h (got "${scheduleText}")`);
  const disableText = env.WEBHOOK_DISABLE_AFTER || '3d';
  const disableAfterMs = durationMs(disableText);
  if (disableAfterMs === undefined) problems.push(`WEBHOOK_DISABLE_AFTER must be a duration like 3d or 90s (got "${disableText}")`);
  const development = env.WEBHOOK_DEVELOPMENT_MODE ?? 'false';
  if (!['true', 'false'].includes(development)) problems.push(`WEBHOOK_DEVELOPMENT_MODE must be true or false (got "${development}")`);
  const config: WebhooksConfig = {
    retrySchedule: retrySchedule ?? [],
    disableAfterMs: disableAfterMs ?? 0,
    timeoutMs: whole('WEBHOOK_TIMEOUT_MS', 5_000),
    pollMs: whole('WEBHOOK_POLL_MS', 250),
    concurrency: whole('WEBHOOK_CONCURRENCY', 16),
    pendingAfterMs: whole('WEBHOOK_PENDING_AFTER_MS', 10_000),
    target: { development: development === 'true', platformPorts: platformPorts(env) },
  };
  if (problems.length > 0) throw new Error(`Invalid webhook configuration: ${problems.join('; ')}`);
  return config;
}

let loaded: WebhooksConfig | undefined;
/** The process's settings, read once. */
export const webhooksConfig = (): WebhooksConfig => (loaded ??= webhooksConfigFromEnv());
