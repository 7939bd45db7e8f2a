import { ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import { TRACEPARENT, contextFromCarrier, injectTraceparent, traceparentOf } from './trace-context';

const traceId = '0af7651916cd43dd8448eb211c80319c';
const spanId = 'b7ad6b7169203331';
const traceparent = `00-${traceId}-${spanId}-01`;

/** A context whose active span is the remote one given. */
const withSpan = (ids = { traceId, spanId }) =>
  trace.setSpanContext(ROOT_CONTEXT, { ...ids, traceFlags: TraceFlags.SAMPLED, isRemote: false });

describe('trace context propagation', () => {
  it('writes the span of a context as a W3C traceparent and reads it back as the remote parent', () => {
    const carrier: Record<string, unknown> = {};
    injectTraceparent(carrier, withSpan());
    expect(carrier).toEqual({ [TRACEPARENT]: traceparent });

    const parent = trace.getSpanContext(contextFromCarrier(carrier));
    expect(parent).toEqual({ traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(traceparentOf(contextFromCarrier(carrier))).toBe(traceparent);
  });

  it('reads a traceparent from an AMQP header delivered as bytes and from a repeated HTTP header', () => {
    expect(trace.getSpanContext(contextFromCarrier({ [TRACEPARENT]: Buffer.from(traceparent) }))?.spanId).toBe(spanId);
    expect(trace.getSpanContext(contextFromCarrier({ [TRACEPARENT]: [traceparent, 'ignored'] }))?.spanId).toBe(spanId);
  });

  it('gives the base context unchanged when the carrier has no traceparent, so the next span starts a trace', () => {
    const base = context.active();
    expect(contextFromCarrier(undefined, base)).toBe(base);
    expect(contextFromCarrier({ 'x-correlation-id': 'c-1' }, base)).toBe(base);
    expect(trace.getSpanContext(contextFromCarrier({}))).toBeUndefined();
  });

  it.each([
    ['not a traceparent'],
    [`00-${'0'.repeat(32)}-${spanId}-01`], // an all-zero trace id is invalid
    [`00-${traceId}-${'0'.repeat(16)}-01`], // an all-zero span id is invalid
    [`ff-${traceId}-${spanId}-01`], // version ff is forbidden
    [`00-${traceId.toUpperCase()}-${spanId}-01`], // hex must be lower case
    [42],
  ])('ignores an invalid traceparent (%p)', (invalid) => {
    expect(trace.getSpanContext(contextFromCarrier({ [TRACEPARENT]: invalid }))).toBeUndefined();
  });

  it('writes nothing for a context without a valid span', () => {
    const carrier: Record<string, unknown> = {};
    injectTraceparent(carrier, ROOT_CONTEXT);
    injectTraceparent(carrier, withSpan({ traceId: '0'.repeat(32), spanId: '0'.repeat(16) }));
    expect(carrier).toEqual({});
    expect(traceparentOf(ROOT_CONTEXT)).toBeUndefined();
  });
});
