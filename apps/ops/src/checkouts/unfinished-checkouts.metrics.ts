import { Gauge, register } from 'prom-client';
import { CheckoutServiceClient } from './checkout-service.client';

/**
 * `ops_unfinished_checkouts` and `ops_unfinished_checkout_oldest_seconds`, read from Checkout at
 * scrape time; both are absent from a scrape while Checkout does not answer, rather than a stale 0.
 */
export function registerUnfinishedCheckoutMetrics(client: CheckoutServiceClient): void {
  let latest: Promise<{ count: number; oldestAgeSeconds: number } | undefined> | undefined;
  // Both gauges share one call per scrape.
  const read = () =>
    (latest ??= client
      .unfinished(0)
      .catch(() => undefined)
      .finally(() => setImmediate(() => (latest = undefined))));
  for (const [name, help, pick] of [
    ['ops_unfinished_checkouts', 'Checkouts not final yet', (s: { count: number }) => s.count],
    [
      'ops_unfinished_checkout_oldest_seconds',
      'Age of the oldest checkout not final yet',
      (s: { oldestAgeSeconds: number }) => s.oldestAgeSeconds,
    ],
  ] as const) {
    register.removeSingleMetric(name);
    new Gauge({
      name,
      help,
      async collect() {
        this.reset();
        const summary = await read();
        if (summary) this.set(pick(summary as { count: number; oldestAgeSeconds: number }));
      },
    });
  }
}
