import { Counter, Gauge, register } from 'prom-client';

const counter = (name: string, help: string): Counter<'reason'> =>
  (register.getSingleMetric(name) as Counter<'reason'> | undefined) ?? new Counter({ name, help, labelNames: ['reason'] });

/** Why an attempt failed, as a bounded label: never a URL, an endpoint or a merchant. */
export function failureReason(statusCode: number | null, error: string | null): string {
  if (statusCode !== null) return statusCode >= 500 ? 'http_5xx' : statusCode >= 400 ? 'http_4xx' : 'http_other';
  if (error === 'TIMEOUT') return 'timeout';
  if (error?.startsWith('REFUSED_ADDRESS')) return 'refused_address';
  return 'connection';
}

/** `webhook_delivery_failures_total{reason}`, `webhook_deliveries_exhausted_total`, `webhook_endpoints_disabled_total`. */
export const webhookMetrics = {
  attemptFailed: (reason: string) =>
    counter(
      'webhook_delivery_failures_total',
      'Webhook delivery attempts that failed, per reason (http_5xx, http_4xx, http_other, timeout, connection, refused_address)',
    ).inc({ reason }),
  exhausted: () =>
    counter('webhook_deliveries_exhausted_total', 'Webhook deliveries that failed for good (retry schedule spent)').inc({
      reason: 'exhausted',
    }),
  disabled: () => counter('webhook_endpoints_disabled_total', 'Webhook endpoints disabled for failing too long').inc({ reason: 'failing' }),
};

/** Registers the counters (so they are exported before their first failure) and the backlog gauge, read at scrape time. */
export function registerWebhookMetrics(backlog: () => Promise<number>): void {
  counter(
    'webhook_delivery_failures_total',
    'Webhook delivery attempts that failed, per reason (http_5xx, http_4xx, http_other, timeout, connection, refused_address)',
  );
  counter('webhook_deliveries_exhausted_total', 'Webhook deliveries that failed for good (retry schedule spent)');
  counter('webhook_endpoints_disabled_total', 'Webhook endpoints disabled for failing too long');
  register.removeSingleMetric('webhook_deliveries_backlog');
  new Gauge({
    name: 'webhook_deliveries_backlog',
    help: 'Webhook deliveries due and not sent yet (over every endpoint); absent while the database does not answer',
    async collect() {
      this.reset();
      const count = await backlog().catch(() => undefined);
      if (count !== undefined) this.set(count);
    },
  });
}
