import { Attributes, Context, Span, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('checkout-platform');
let enabled = false;

/**
 * Whether this process records spans (startTracing found an OTLP endpoint). The seams ask first and,
 * when it is off, do nothing at all: no span, no context, no header, so tracing off costs nothing.
 */
export const tracingEnabled = (): boolean => enabled;

/** Set by startTracing only (and by specs that install their own provider). */
export function setTracingEnabled(on: boolean): void {
  enabled = on;
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent's context; the active one by default. */
  parent?: Context;
}

/** Starts a span (a child of `options.parent`, else of the active span); the caller ends it. */
export function startSpan(name: string, options: SpanOptions = {}): Span {
  return tracer.startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    options.parent ?? context.active(),
  );
}

/** Ends `span`, marking it failed with `error` when there is one. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
  }
  span.end();
}

/**
 * Runs `work` inside a new span, active for everything `work` does (so its calls, appends and logs
 * join it), and ends the span when `work` settles. Without tracing it only runs `work`.
 */
export async function inSpan<T>(name: string, options: SpanOptions, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  const span = startSpan(name, options);
  try {
    const result = await context.with(trace.setSpan(options.parent ?? context.active(), span), work);
    endSpan(span);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}
