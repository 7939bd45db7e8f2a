import { Type } from '@sinclair/typebox';
import { Producer } from '../catalog';
import { Headers } from '../envelope';
import { Route, queueName, routesFrom } from '../routing';
import { EventSchemas, currentSchemaVersion, eventDataSchema } from './event-schemas';
import { plainJsonSchema } from './published-schemas';

type Json = Record<string, unknown>;

/** The AMQP headers (docs/architecture.md#queues-and-messages) every event message carries. */
const MessageHeaders = Type.Object({
  [Headers.producer]: Type.String({ description: 'the producing service' }),
  [Headers.streamId]: Type.String({ description: 'the aggregate stream, e.g. account-<uuid>' }),
  [Headers.streamVersion]: Type.Integer({ minimum: 1, description: 'the event’s version within its stream' }),
  [Headers.previousStreamVersion]: Type.Integer({
    minimum: 0,
    description: 'the version of the stream’s previous event sent to the same queue (0 if none)',
  }),
  [Headers.globalPosition]: Type.String({ pattern: '^[0-9]+$', description: 'the event’s position in the producer’s event table' }),
  [Headers.transactionId]: Type.String({ pattern: '^[0-9]+$', description: 'the producer transaction that appended the event' }),
  [Headers.appendIndex]: Type.Integer({
    minimum: 1,
    description: 'the event’s place among the events of its stream that its transaction sent to this queue',
  }),
  [Headers.appendCount]: Type.Integer({
    minimum: 1,
    description: 'how many events of its stream its transaction sent to this queue; a consumer applies them together',
  }),
  [Headers.correlationId]: Type.Optional(Type.String()),
  [Headers.causationId]: Type.Optional(Type.String()),
  [Headers.schemaVersion]: Type.Integer({ minimum: 1, description: 'the version of the data’s schema; equals the body’s schemaVersion' }),
  [Headers.traceparent]: Type.Optional(
    Type.String({
      pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
      description: 'W3C trace context of the publish, when the producer traces: the consumer continues that trace',
    }),
  ),
});

/** The contract's body around one event type's data at one version. */
const envelopeSchema = (type: string, version: number, data: Json): Json =>
  plainJsonSchema(
    Type.Object({
      eventId: Type.String({ format: 'uuid', description: 'the idempotency key, also the AMQP messageId' }),
      type: Type.Literal(type),
      schemaVersion: Type.Literal(version),
      streamId: Type.String(),
      streamVersion: Type.Integer({ minimum: 1 }),
      globalPosition: Type.String({ pattern: '^[0-9]+$' }),
      occurredAt: Type.String({ format: 'date-time' }),
      data: Type.Unsafe(data),
      metadata: Type.Object({
        correlationId: Type.Optional(Type.String()),
        causationId: Type.Optional(Type.String()),
        actor: Type.Optional(Type.String()),
        traceparent: Type.Optional(Type.String({ description: 'W3C trace context the event was appended in, when the producer traces' })),
      }),
    }),
  );

const messageKey = (type: string, version: number) => `${type}.v${version}`;
const typesOf = (producer: Producer, route: Route): string[] => [...(route.eventTypes ?? Object.keys(EventSchemas[producer]))];

/**
 * The AsyncAPI 3 document of one producer: a channel per consumer queue it feeds (libs/contracts
 * routing), the current version of each event type it delivers there (the relay upcasts older
 * ones), and the contract's AMQP headers.
 */
export function asyncApiDocument(producer: Producer): Json {
  const routes = routesFrom(producer);
  const types = Object.keys(EventSchemas[producer]);
  const messages = Object.fromEntries(
    types.map((type) => {
      const version = currentSchemaVersion(producer, type);
      const data = plainJsonSchema(eventDataSchema(producer, type, version)!);
      return [
        messageKey(type, version),
        {
          name: type,
          title: `${type} v${version}`,
          contentType: 'application/json',
          headers: { $ref: '#/components/schemas/MessageHeaders' },
          payload: envelopeSchema(type, version, data),
          correlationId: { location: '$message.header#/x-correlation-id' },
        },
      ];
    }),
  );
  const channels = Object.fromEntries(
    routes.map((route) => {
      const queue = queueName(route.consumer, route.producer);
      return [
        queue,
        {
          address: queue,
          title: `${route.consumer}’s queue of ${producer} events`,
          description: `Retried through ${queue}.retry; dead letters in ${queue}.dlq.`,
          messages: Object.fromEntries(
            typesOf(producer, route).map((type) => {
              const key = messageKey(type, currentSchemaVersion(producer, type));
              return [key, { $ref: `#/components/messages/${key}` }];
            }),
          ),
          bindings: {
            amqp: { is: 'queue', queue: { name: queue, durable: true, exclusive: false, autoDelete: false }, bindingVersion: '0.3.0' },
          },
        },
      ];
    }),
  );
  const operations = Object.fromEntries(
    routes.map((route) => {
      const queue = queueName(route.consumer, route.producer);
      return [
        `deliverTo.${queue}`,
        {
          action: 'send',
          summary: `The ${producer} relay delivers each subscribed event to ${queue}, at least once, in order per stream.`,
          channel: { $ref: `#/channels/${queue}` },
          messages: Object.keys((channels[queue] as { messages: Json }).messages).map((key) => ({
            $ref: `#/channels/${queue}/messages/${key}`,
          })),
        },
      ];
    }),
  );
  return {
    asyncapi: '3.0.0',
    info: {
      title: `${producer} events`,
      version: '1.0.0',
      description: `The events the ${producer} service publishes, one queue per consumer. Each message's schemaVersion says which schema its data follows.`,
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages, schemas: { MessageHeaders: plainJsonSchema(MessageHeaders) } },
  };
}
