import { TraceparentHeader } from '@app/contracts';
import { OutgoingMessage } from '@app/messaging';
import { TRACEPARENT, contextFromCarrier, endSpan, startSpan, traceparentOf } from '@app/tracing';
import { Span, SpanKind, trace } from '@opentelemetry/api';
import { OutboxRow } from './subscription-store';

/** A batch's messages as published with tracing, and the end of their publish spans. */
export interface TracedPublish {
  messages: OutgoingMessage[];
  /** Ends every publish span once the broker confirmed the batch, or refused it. */
  end(error?: unknown): void;
}

/**
 * A publish span per traced event, a child of the context its append wrote into its metadata: the
 * relay publishes in another transaction, perhaps another process, and this is what keeps one
 * checkout in one trace. Each message becomes a copy with that span's `traceparent` header, which
 * the consumer's apply continues; the shared, built-once messages are never changed.
 */
export function tracePublishes(queue: string, rows: readonly OutboxRow[], messages: readonly OutgoingMessage[]): TracedPublish {
  const spans: Span[] = [];
  const traced = messages.map((message, i) => {
    const parent = contextFromCarrier(appendContextOf(rows[i]));
    if (!trace.getSpanContext(parent)) return message;
    const span = startSpan(`publish ${queue}`, {
      kind: SpanKind.PRODUCER,
      parent,
      attributes: {
        'messaging.system': 'rabbitmq',
        'messaging.operation.type': 'send',
        'messaging.destination.name': queue,
        'messaging.message.id': message.options.messageId,
        'event.type': rows[i].type,
      },
    });
    spans.push(span);
    const headers = { ...message.options.headers, [TraceparentHeader]: traceparentOf(trace.setSpan(parent, span)) };
    return { content: message.content, options: { ...message.options, headers } };
  });
  return { messages: traced, end: (error) => spans.forEach((span) => endSpan(span, error)) };
}

function appendContextOf(row: OutboxRow): Record<string, unknown> | undefined {
  // Only a metadata that names a trace is parsed: most events of an untraced past carry none.
  if (!row.metadata.includes(TRACEPARENT)) return undefined;
  const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
  return { [TRACEPARENT]: metadata[TRACEPARENT] };
}
