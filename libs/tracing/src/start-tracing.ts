import { defineSettings, readSettings, url } from '@app/config';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { setTracingEnabled } from './spans';

/** The standard variable naming the OTLP/HTTP collector; tracing is on only when it is set. */
export const OTLP_ENDPOINT_VARIABLE = 'OTEL_EXPORTER_OTLP_ENDPOINT';

export const tracingSettings = defineSettings('tracing', {
  [OTLP_ENDPOINT_VARIABLE]: url('send traces over OTLP/HTTP (JSON) to `<endpoint>/v1/traces`; unset, no tracing SDK starts', {
    protocols: ['http', 'https'],
  }),
});

/** Flushes the spans still buffered and stops exporting. */
export type StopTracing = () => Promise<void>;

/**
 * Starts the OpenTelemetry SDK for `serviceName` when `OTEL_EXPORTER_OTLP_ENDPOINT` is set: spans go
 * in batches over OTLP/HTTP (JSON) to `<endpoint>/v1/traces`. When it is unset nothing starts, the
 * API stays the no-op one, and every seam skips its tracing (tracingEnabled). Call once, first thing.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): StopTracing {
  if (!readSettings(tracingSettings, env)[OTLP_ENDPOINT_VARIABLE]) return async () => undefined;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    // The exporter reads the endpoint (and OTEL_EXPORTER_OTLP_HEADERS, …) from the environment itself.
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), scheduledDelayMillis: 1_000, maxQueueSize: 8_192 })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  setTracingEnabled(true);
  return () => provider.shutdown();
}
