import { Headers, retryQueuesOf } from '@app/contracts';
import { AmqpConnection } from '@app/messaging';
import { eventually, freshEventStore, testAmqpUrl, uniqueSuffix } from '@app/testing';
import type { Channel } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { opsDdl } from '../migrations/ops-ddl';
import { DeadLetterReplayer } from './dead-letter-replayer';
import { DeadLetterRepository } from './dead-letter.repository';
import { DeadLettersService } from './dead-letters.service';
import { DeadLetterDrain } from './messaging/dead-letter-drain';

/**
 * Edit and retry against PostgreSQL and RabbitMQ: two edits and a replay of one dead letter race,
 * and exactly one message reaches the queue (ServiceControl's bug #2424 sent both). The queue is
 * read raw, so a second copy shows even though a consumer's inbox would absorb it.
 */
describe('Edit and retry of a dead letter, racing, against PostgreSQL and RabbitMQ', () => {
  const queue = `t${uniqueSuffix()}.account-events`;
  let dataSource: DataSource;
  let repository: DeadLetterRepository;
  let connection: AmqpConnection;
  let channel: Channel;
  let drain: DeadLetterDrain;
  let replayer: DeadLetterReplayer;
  let service: DeadLettersService;
  const received = new Map<string, string[]>();

  beforeAll(async () => {
    let schema: string;
    ({ dataSource, schema } = await freshEventStore('ops'));
    for (const statement of opsDdl(schema)) await dataSource.query(statement);
    repository = new DeadLetterRepository(schema);
    connection = new AmqpConnection({ url: testAmqpUrl(), name: 'ops-edit-retry-int-spec' });
    await connection.start();
    // The drain declares the queue with its replay binding.
    drain = new DeadLetterDrain({ connection, dataSource, repository, queues: [queue], lingerMs: 5 });
    await drain.start();
    replayer = new DeadLetterReplayer(connection, dataSource, repository);
    service = new DeadLettersService(dataSource, repository, replayer);
    channel = await connection.current().createChannel();
    await channel.consume(
      queue,
      (message) => {
        if (!message) return;
        const body = JSON.parse(message.content.toString('utf8')) as { eventId: string; data: { name: string } };
        received.set(body.eventId, [...(received.get(body.eventId) ?? []), body.data.name]);
      },
      { noAck: true },
    );
  });

  afterAll(async () => {
    await drain.stop();
    await replayer.close();
    for (const name of [queue, `${queue}.dlq`, ...retryQueuesOf(queue)]) await channel.deleteQueue(name).catch(() => undefined);
    await channel.close().catch(() => undefined);
    await connection.close();
    await dataSource.destroy();
  });

  /** An AccountOpened with a currency the contract refuses, stored as the drain stores a dead letter. */
  const storeDeadLetters = async (count: number) => {
    const now = new Date().toISOString();
    const events = Array.from({ length: count }, () => {
      const id = randomUUID();
      return {
        eventId: randomUUID(),
        type: 'AccountOpened',
        schemaVersion: 1,
        streamId: `account-${id}`,
        streamVersion: 1,
        globalPosition: '1',
        occurredAt: now,
        data: {
          id,
          name: 'Original',
          lastName: 'Race',
          country: 'GB',
          address: { street: 'a', city: 'b', zip: 'c' },
          limit: 0,
          currency: 'euro',
        },
        metadata: {},
      };
    });
    await repository.record(
      dataSource.manager,
      events.map((event) => ({
        queue,
        messageId: event.eventId,
        type: event.type,
        headers: { [Headers.streamId]: event.streamId, [Headers.streamVersion]: 1 },
        properties: { type: event.type, contentType: 'application/json' },
        body: Buffer.from(JSON.stringify(event)),
        errorCode: 'SCHEMA_VIOLATION',
        errorMessage: 'currency',
        attempts: 1,
        firstFailedAt: now,
        lastFailedAt: now,
      })),
    );
    const { items } = await repository.list(dataSource.manager, { queue }, { after: 0, limit: 1000 });
    return events.map((event) => ({ event, id: items.find((item) => item.messageId === event.eventId)!.id }));
  };
  const editedBody = (event: object & { data: object }, name: string) =>
    JSON.stringify({ ...event, data: { ...event.data, name, currency: 'EUR' } });
  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      () => 'sent',
      (error: { code?: string }) => error.code ?? String(error),
    );

  it('lets exactly one of two edits and a replay through, for each of many dead letters raced at once', async () => {
    const targets = await storeDeadLetters(20);

    const results = await Promise.all(
      targets.map(async ({ event, id }) =>
        Promise.all([
          outcome(service.editAndRetry(id, editedBody(event, 'Edit A'), 'ada')),
          outcome(service.editAndRetry(id, editedBody(event, 'Edit B'), 'bob')),
          outcome(service.replayOne(id, 'cy')),
        ]),
      ),
    );
    // Every send was confirmed before its call returned: once a later one arrives, all have.
    const [sentinel] = await storeDeadLetters(1);
    await service.replayOne(sentinel.id, 'cy');
    await eventually(() => received.has(sentinel.event.eventId), 10_000, 20);

    targets.forEach(({ event }, index) => {
      expect(results[index].filter((result) => result === 'sent')).toHaveLength(1);
      expect(results[index].filter((result) => result === 'DEAD_LETTER_NOT_DEAD')).toHaveLength(2);
      const winner = ['Edit A', 'Edit B', 'Original'][results[index].indexOf('sent')];
      expect(received.get(event.eventId)).toEqual([winner]);
    });
  });

  it('keeps the original superseded with its body, replays the copy, and audits both bodies', async () => {
    const [{ event, id }] = await storeDeadLetters(1);
    const body = editedBody(event, 'Fixed');

    const { original, edited } = await service.editAndRetry(id, body, 'ada');

    expect(original).toMatchObject({ status: 'superseded', supersededBy: 'ada', editedInto: edited.id, body: JSON.stringify(event) });
    expect(edited).toMatchObject({ status: 'replayed', editOf: id, body, replayCount: 1 });
    expect(original.history).toEqual([
      expect.objectContaining({
        action: 'edit',
        actor: 'ada',
        detail: {
          messageId: event.eventId,
          editedId: edited.id,
          editedMessageId: edited.messageId,
          originalBody: JSON.stringify(event),
          editedBody: body,
        },
      }),
    ]);
    await eventually(() => received.has(event.eventId), 10_000, 20);
    expect(received.get(event.eventId)).toEqual(['Fixed']);
  });

  it('refuses an edit its schema version refuses, and leaves the dead letter as it was', async () => {
    const [{ event, id }] = await storeDeadLetters(1);
    const invalid = JSON.stringify({ ...event, data: { ...event.data, currency: 'eur0' } });

    await expect(service.editAndRetry(id, invalid, 'ada')).rejects.toMatchObject({
      code: 'INVALID_EDIT',
      message: expect.stringContaining('/currency'),
    });
    expect(await service.show(id)).toMatchObject({ status: 'dead', history: [], editedInto: null });
  });
});
