import { Parser } from '@asyncapi/parser';
import { Producers } from '../catalog';
import { Headers } from '../envelope';
import { queueName, routesFrom } from '../routing';
import { asyncApiDocument } from './asyncapi-document';

// DiagnosticSeverity.Error of the parser's Spectral rules.
const ERROR = 0;

describe('asyncApiDocument', () => {
  const parser = new Parser();

  it.each(Producers)('is a valid AsyncAPI 3 document for %s', async (producer) => {
    const diagnostics = await parser.validate(JSON.stringify(asyncApiDocument(producer)));
    const errors = diagnostics.filter((d) => d.severity === ERROR).map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(errors).toEqual([]);
  });

  it('the validator refuses a document that breaks the AsyncAPI 3 schema (so the test above can fail)', async () => {
    const { info: _info, ...withoutInfo } = asyncApiDocument('fraud');
    const diagnostics = await parser.validate(JSON.stringify(withoutInfo));
    expect(diagnostics.filter((d) => d.severity === ERROR).length).toBeGreaterThan(0);
  });

  it('has a channel per consumer queue, carrying only the current version of the routed types', async () => {
    const { document } = await parser.parse(JSON.stringify(asyncApiDocument('checkout')));
    const channels = document!.channels().all();
    expect(channels.map((c) => c.address()).sort()).toEqual(
      routesFrom('checkout')
        .map((r) => queueName(r.consumer, r.producer))
        .sort(),
    );
    const ledger = document!.channels().get('merchant.checkout-events')!;
    expect(
      ledger
        .messages()
        .all()
        .map((m) => m.name()),
    ).toEqual(['CheckoutStarted', 'CheckoutCompleted', 'CheckoutRejected', 'CheckoutCompensated']);
  });

  it('publishes AddressUpdated at v2 with its headers', async () => {
    const { document } = await parser.parse(JSON.stringify(asyncApiDocument('account')));
    const message = document!.components().messages().get('AddressUpdated.v2')!;
    expect(message.payload()!.properties()!.schemaVersion.const()).toBe(2);
    expect(Object.keys(message.headers()!.properties()!)).toEqual(
      expect.arrayContaining(['x-producer', 'x-stream-id', 'x-stream-version', 'x-global-position', 'x-schema-version']),
    );
    expect(document!.components().messages().get('AddressUpdated.v1')).toBeUndefined();
  });

  it.each(Producers)('declares every header an event of %s carries, the traceparent header included', async (producer) => {
    const { document } = await parser.parse(JSON.stringify(asyncApiDocument(producer)));
    const eventHeaders = Object.values(Headers).filter((header) => !FAILURE_OR_OPERATOR_HEADERS.has(header));
    expect(eventHeaders).toContain('traceparent');
    for (const message of document!.components().messages().all()) {
      const headers = message.headers()!.properties()!;
      expect(Object.keys(headers).sort()).toEqual([...eventHeaders].sort());
      const traceparent = headers[Headers.traceparent];
      expect(message.headers()!.required() ?? []).not.toContain(Headers.traceparent);
      expect(new RegExp(traceparent.pattern()!).test('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe(true);
      expect(new RegExp(traceparent.pattern()!).test('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7')).toBe(false);
    }
  });
});

/** Headers a relay's event message never carries: set on retries and dead letters, by operators, or on control messages. */
const FAILURE_OR_OPERATOR_HEADERS = new Set<string>([
  Headers.originalQueue,
  Headers.attempts,
  Headers.firstFailedAt,
  Headers.lastFailedAt,
  Headers.errorCode,
  Headers.errorMessage,
  Headers.control,
  Headers.parkedBehind,
  Headers.skip,
  Headers.replayNumber,
  Headers.missingStreamVersion,
]);
