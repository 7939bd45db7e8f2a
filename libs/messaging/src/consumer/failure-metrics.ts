import { Counter, register } from 'prom-client';

function counter(name: string, help: string, labelNames: string[]): Counter {
  return (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, labelNames });
}

/**
 * What the failure path did, counted once the broker confirmed the copy. Labels stay bounded:
 * queue names are a finite set, a tier is one of the provisioned retry tiers, a code one of the
 * failure codes; never a stream or message id.
 */
export const failureMetrics = {
  retries: counter('consumer_retries_total', 'Failed messages sent to a retry queue, per queue and retry tier', ['queue', 'tier']),
  deadLetters: counter(
    'consumer_dead_letters_total',
    'Messages sent to the dead-letter queue, per queue and error code (PARKED: held behind an earlier dead letter)',
    ['queue', 'code'],
  ),
};
