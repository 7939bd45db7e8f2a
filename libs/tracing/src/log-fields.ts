import { context, isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * The active span's ids for a log line (a pino mixin), so an operator goes from a line to its trace
 * and back. Empty outside any span, and always when tracing is off.
 */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpanContext(context.active());
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}
