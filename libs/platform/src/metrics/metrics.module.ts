import { Module } from '@nestjs/common';
import { collectDefaultMetrics, register } from 'prom-client';
import { MetricsController } from './metrics.controller';

/** Starts prom-client's default collectors once per process, however many apps boot in it. */
export function ensureDefaultMetrics(): void {
  if (register.getSingleMetric('process_cpu_user_seconds_total') === undefined) collectDefaultMetrics();
}

/** `GET /metrics` in Prometheus text format; the request histogram is mounted by configureHttpApp. */
@Module({ controllers: [MetricsController] })
export class MetricsModule {
  constructor() {
    ensureDefaultMetrics();
  }
}
