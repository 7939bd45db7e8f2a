import { Context, ROOT_CONTEXT, TextMapGetter, TextMapSetter, context, isSpanContextValid, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** The W3C header (and event metadata field) that carries a trace's context from one process to the next. */
export const TRACEPARENT = 'traceparent';

// One W3C propagator for every seam (HTTP headers, AMQP headers, event metadata), so they all read
// and write the same `traceparent` whether or not a global propagator was registered.
const w3c = new W3CTraceContextPropagator();

type Carrier = Record<string, unknown>;

const getter: TextMapGetter<Carrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
    // AMQP delivers a header written as a string back as a string, or as a Buffer from some clients.
    return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
  },
};

const setter: TextMapSetter<Carrier> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** The `traceparent` of `from`'s span (the active one by default); undefined when no valid span is there. */
export function traceparentOf(from: Context = context.active()): string | undefined {
  const span = trace.getSpanContext(from);
  if (!span || !isSpanContextValid(span)) return undefined;
  const carrier: Carrier = {};
  w3c.inject(from, carrier, setter);
  return carrier[TRACEPARENT] as string | undefined;
}

/** Writes the `traceparent` of `from`'s span into `carrier` (headers), when there is one. */
export function injectTraceparent(carrier: Carrier, from: Context = context.active()): void {
  const traceparent = traceparentOf(from);
  if (traceparent !== undefined) carrier[TRACEPARENT] = traceparent;
}

/**
 * The context whose remote parent is the `traceparent` in `carrier` (headers or event metadata); a
 * missing or malformed one gives `base` unchanged, so the next span starts a trace of its own.
 */
export function contextFromCarrier(carrier: Carrier | undefined, base: Context = ROOT_CONTEXT): Context {
  if (!carrier || carrier[TRACEPARENT] === undefined) return base;
  return w3c.extract(base, carrier, getter);
}
