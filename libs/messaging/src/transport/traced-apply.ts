import { TraceparentHeader } from '@app/contracts';
import { contextFromCarrier, endSpan, startSpan, tracingEnabled } from '@app/tracing';
import { Span, SpanKind, context, trace } from '@opentelemetry/api';
import type { DeliveredEvent } from '../consumer/queue-consumer';

/**
 * Runs a handler over `events` inside one apply span per event, each a child of the publish that
 * sent it (the message's `traceparent` header): one checkout's consumers stay in its trace. The
 * handler runs in the first event's span, so its own appends and log lines join that trace. Without
 * tracing it only runs the handler.
 */
export async function applyTraced(events: readonly DeliveredEvent[], apply: () => Promise<void>): Promise<void> {
  if (!tracingEnabled()) return apply();
  const spans: Span[] = events.map(({ envelope, delivery }) =>
    startSpan(`process ${delivery.queue}`, {
      kind: SpanKind.CONSUMER,
      parent: contextFromCarrier({ [TraceparentHeader]: delivery.message.properties.headers?.[TraceparentHeader] }),
      attributes: {
        'messaging.system': 'rabbitmq',
        'messaging.operation.type': 'process',
        'messaging.destination.name': delivery.queue,
        'messaging.message.id': envelope.eventId,
        'event.type': envelope.type,
      },
    }),
  );
  try {
    await context.with(trace.setSpan(context.active(), spans[0]), apply);
    spans.forEach((span) => endSpan(span));
  } catch (error) {
    spans.forEach((span) => endSpan(span, error));
    throw error;
  }
}
