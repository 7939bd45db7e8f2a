import { TRACEPARENT, contextFromCarrier, endSpan, startSpan, tracingEnabled } from '@app/tracing';
import { SpanKind } from '@opentelemetry/api';
import { SendResult } from './webhook-sender';

/**
 * Runs one delivery attempt inside a `webhook deliver` span, a child of the event that caused it
 * (its `traceparent`, kept on the delivery row), so the attempts join that checkout's trace. A failed
 * attempt marks the span failed. The merchant is not sent our trace context. Without tracing it only sends.
 */
export async function sendTraced(
  delivery: { id: string; eventType: string; attempts: number; traceparent: string | null },
  endpointId: string,
  send: () => Promise<SendResult>,
): Promise<SendResult> {
  if (!tracingEnabled()) return send();
  const span = startSpan('webhook deliver', {
    kind: SpanKind.CLIENT,
    parent: contextFromCarrier(delivery.traceparent ? { [TRACEPARENT]: delivery.traceparent } : undefined),
    attributes: {
      'webhook.delivery.id': delivery.id,
      'webhook.endpoint.id': endpointId,
      'webhook.event.type': delivery.eventType,
      'webhook.attempt': delivery.attempts + 1,
    },
  });
  const result = await send();
  if (result.statusCode !== null) span.setAttribute('http.response.status_code', result.statusCode);
  endSpan(span, result.ok ? undefined : new Error(result.error ?? `answered ${result.statusCode}`));
  return result;
}
