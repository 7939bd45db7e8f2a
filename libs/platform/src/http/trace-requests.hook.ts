import { contextFromCarrier, endSpan, startSpan, tracingEnabled } from '@app/tracing';
import { Span, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const spans = new WeakMap<FastifyRequest, Span>();

/**
 * A server span per request, a child of the caller's `traceparent` (or a new trace's root), active
 * while the route runs so that its calls, appends and log lines join it. Nothing is hooked when
 * tracing is off.
 */
export function traceHttpRequests(server: FastifyInstance): void {
  if (!tracingEnabled()) return;
  server.addHook('onRequest', (request, _reply, done) => {
    const span = startSpan(request.method, {
      kind: SpanKind.SERVER,
      parent: contextFromCarrier(request.headers),
      attributes: { 'http.request.method': request.method, 'url.path': request.url.split('?')[0] },
    });
    spans.set(request, span);
    done();
  });
  // Reading the body leaves the request's async context; the route runs from here, so it is set here.
  server.addHook('preHandler', (request, _reply, done) => {
    const span = spans.get(request);
    if (span) context.with(trace.setSpan(context.active(), span), done);
    else done();
  });
  server.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span) {
      // The route's pattern, never the raw URL: ids in names would make every request a name of its own.
      const route = request.routeOptions.url;
      if (route) span.updateName(`${request.method} ${route}`).setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      endSpan(span);
    }
    done();
  });
}
