import type { FastifyInstance } from 'fastify';
import { Histogram, register } from 'prom-client';

const NAME = 'http_request_duration_seconds';
type Labels = 'method' | 'route' | 'status';

// Several Nest apps may live in one process (tests); the registry is global, so reuse the metric.
export const httpRequestDuration: Histogram<Labels> =
  (register.getSingleMetric(NAME) as Histogram<Labels> | undefined) ??
  new Histogram<Labels>({
    name: NAME,
    help: 'Duration of HTTP requests, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });

/** Observes every answered request, including those the body parser or the router turned away. */
export function observeHttpRequests(server: FastifyInstance): void {
  server.addHook('onResponse', (request, reply, done) => {
    // The pattern, never the raw URL: ids in paths would explode the label cardinality.
    const route = request.routeOptions.url ?? 'unmatched';
    httpRequestDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1_000);
    done();
  });
}
