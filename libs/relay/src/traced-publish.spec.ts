import { DeliveredEvent, applyTraced } from '@app/messaging';
import { setTracingEnabled, traceLogFields } from '@app/tracing';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { OutboxRow } from './subscription-store';
import { tracePublishes } from './traced-publish';

const traceId = '0af7651916cd43dd8448eb211c80319c';
const appendSpanId = 'b7ad6b7169203331';
const queue = 'fraud.checkout-events';

const rowWith = (metadata: Record<string, unknown>) => ({ type: 'CheckoutStarted', metadata: JSON.stringify(metadata) }) as OutboxRow;
const messageOf = (messageId: string) => ({ content: Buffer.from('{}'), options: { messageId, headers: { 'x-producer': 'checkout' } } });

describe('a trace across the relay and a consumer', () => {
  const exporter = new InMemorySpanExporter();
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable());
    trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
    setTracingEnabled(true);
  });
  afterAll(() => {
    setTracingEnabled(false);
    trace.disable();
    context.disable();
  });

  it('publishes as a child of the append named in the metadata, and applies as a child of that publish', async () => {
    const traced = tracePublishes(
      queue,
      [rowWith({ traceparent: `00-${traceId}-${appendSpanId}-01` }), rowWith({ correlationId: 'c-1' })],
      [messageOf('e-1'), messageOf('e-2')],
    );
    const [sent, untraced] = traced.messages;
    expect(untraced.options.headers).toEqual({ 'x-producer': 'checkout' });
    traced.end();
    const [publish] = exporter.getFinishedSpans();
    expect(publish).toMatchObject({ name: `publish ${queue}`, parentSpanContext: { traceId, spanId: appendSpanId } });
    expect(publish.spanContext().traceId).toBe(traceId);
    expect(sent.options.headers).toEqual({ 'x-producer': 'checkout', traceparent: `00-${traceId}-${publish.spanContext().spanId}-01` });

    let logged: ReturnType<typeof traceLogFields> = {};
    const delivered = { envelope: { eventId: 'e-1', type: 'CheckoutStarted' }, delivery: { queue, message: { properties: sent.options } } };
    await applyTraced([delivered as unknown as DeliveredEvent], async () => {
      logged = traceLogFields();
    });
    const apply = exporter.getFinishedSpans()[1];
    expect(apply).toMatchObject({ name: `process ${queue}`, parentSpanContext: { traceId, spanId: publish.spanContext().spanId } });
    expect(logged).toEqual({ trace_id: traceId, span_id: apply.spanContext().spanId });
  });
});
