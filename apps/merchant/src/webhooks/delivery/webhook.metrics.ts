import { Counter, Gauge, register } from 'prom-client';

const FAILURES = 'webhook_delivery_failures_total';
const EXHAUSTED = 'webhook_deliveries_exhausted_total';
const DISABLED = 'webhook_endpoints_disabled_total';

const failures = (): Counter<'reason'> =>
  (register.getSingleMetric(FAILURES) as Counter<'reason'> | undefined) ??
  new Counter({
    name: FAILURES,
    help: 'Webhook delivery attempts that failed, per reason (http_5xx, http_4xx, http_other, timeout, connection, refused_address)',
    labelNames: ['reason'],
  });
const plain = (name: string, help: string): Counter =>
  (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help });
const exhausted = () => plain(EXHAUSTED, 'Webhook deliveries that failed for good (their retry schedule spent)');
const disabled = () => plain(DISABLED, 'Webhook endpoints disabled for failing too long');

/** Why an attempt failed, as a bounded label: never a URL, an endpoint or a merchant. */
export function failureReason(statusCode: number | null, error: string | null): string {
  if (statusCode !== null) return statusCode >= 500 ? 'http_5xx' : statusCode >= 400 ? 'http_4xx' : 'http_other';
  if (error === 'TIMEOUT') return 'timeout';
  if (error?.startsWith('REFUSED_ADDRESS')) return 'refused_address';
  return 'connection';
}

export const webhookMetrics = {
  attemptFailed: (reason: string) => failures().inc({ reason }),
  exhausted: () => exhausted().inc(),
  disabled: () => disabled().inc(),
};

/** Registers the counters (so they are exported before their first failure) and the backlog gauge, read at scrape time. */
export function registerWebhookMetrics(backlog: () => Promise<number>): void {
  failures();
  exhausted();
  disabled();
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
