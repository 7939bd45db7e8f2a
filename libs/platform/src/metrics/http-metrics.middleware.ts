import type { NextFunction, Request, Response } from 'express';
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

/**
 * Express middleware observing every request once its response is finished. Mounted first (by
 * configureHttpApp) so that requests rejected by the body parser are counted too.
 */
export function httpMetricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  const stop = httpRequestDuration.startTimer();
  res.once('finish', () => {
    // The pattern, never the raw URL: ids in paths would explode the label cardinality. A wildcard
    // is a catch-all middleware route, so no controller route matched.
    const pattern: unknown = req.route?.path;
    const route = typeof pattern === 'string' && !pattern.includes('*') ? pattern : 'unmatched';
    stop({ method: req.method, route, status: String(res.statusCode) });
  });
  next();
}
