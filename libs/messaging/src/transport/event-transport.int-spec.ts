import { FastifyAdapter } from '@nestjs/platform-fastify';
import { EventEnvelope, deadLetterQueueOf } from '@app/contracts';
import { DomainError } from '@app/domain';
import { EventStore } from '@app/eventstore';
import { ProblemDetailsFilter } from '@app/platform';
import { OutboxRelay } from '@app/relay';
import { eventually, freshEventStore, testAmqpUrl, testDatabaseUrl, uniqueSuffix } from '@app/testing';
import { Controller, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { AmqpConnection } from '../amqp-connection';
import { TestBroker } from '../test/messaging-test-kit';
import { EventContext } from './event-context';
import { EventTransport } from './event-transport.strategy';
import { AnyEvent, rebuildPattern } from './patterns';

const queue = `t${uniqueSuffix()}.account-events`;
let schema: string;
const calls = { rebuilds: 0, addressAttempts: [] as number[] };

type Data = { id: string; limit?: number; newLimit?: number };

const opened = (id: string) => ({
  id,
  name: 'Ada',
  lastName: 'Lovelace',
  country: 'GB',
  address: { street: '1 Old Rd', city: 'York', zip: 'YO1' },
  limit: 100,
  currency: 'EUR',
});
const postal = (street: string) => ({ street, city: 'York', postalCode: 'YO1', country: 'GB' });

/** A read model fed through Nest, the way services write theirs. */
@Controller()
class LedgerProjection {
  @EventPattern('AccountOpened')
  async opened(@Payload() event: EventEnvelope<Data>, @Ctx() ctx: EventContext) {
    await ctx.manager.query(`INSERT INTO "${schema}".ledger (id, credit_limit) VALUES ($1, $2)`, [event.data.id, event.data.limit]);
  }

  @EventPattern('LimitUpdated')
  async limitUpdated(@Payload() event: EventEnvelope<Data>, @Ctx() ctx: EventContext) {
    if (event.data.newLimit === 13) throw new DomainError('rule', 'UNLUCKY_LIMIT', 'this ledger refuses a limit of 13');
    await ctx.manager.query(`UPDATE "${schema}".ledger SET credit_limit = $2 WHERE id = $1`, [event.data.id, event.data.newLimit]);
  }

  @EventPattern('AddressUpdated')
  async addressUpdated(@Payload() event: EventEnvelope<Data>, @Ctx() ctx: EventContext) {
    calls.addressAttempts.push(ctx.delivery.attempt);
    if (ctx.delivery.attempt === 1) throw new Error('geocoder timed out');
    await ctx.manager.query(`UPDATE "${schema}".ledger SET moved = true WHERE id = $1`, [event.data.id]);
  }

  @EventPattern(AnyEvent)
  async anythingElse(@Payload() event: EventEnvelope<Data>, @Ctx() ctx: EventContext) {
    await ctx.manager.query(`INSERT INTO "${schema}".other_events (type) VALUES ($1)`, [event.type]);
  }

  @EventPattern(rebuildPattern(queue))
  async rebuild(@Ctx() ctx: EventContext) {
    calls.rebuilds++;
    await ctx.manager.query(`TRUNCATE "${schema}".ledger, "${schema}".other_events`);
  }
}

@Module({ controllers: [LedgerProjection] })
class LedgerModule {}

describe('EventTransport as a Nest microservice', () => {
  let dataSource: DataSource;
  let connection: AmqpConnection;
  let relay: OutboxRelay;
  let app: INestApplication;
  let broker: TestBroker;
  // The account producer's contracts: events are stamped with, and checked against, its schema versions.
  const store = () => new EventStore(schema, 'account');
  const ledger = async () =>
    dataSource.query(`SELECT id, credit_limit AS "limit", moved FROM "${schema}".ledger ORDER BY id`) as Promise<unknown[]>;
  const others = async () => (await dataSource.query(`SELECT type FROM "${schema}".other_events`)).map((r: { type: string }) => r.type);

  beforeAll(async () => {
    ({ schema, dataSource } = await freshEventStore());
    await dataSource.query(`CREATE TABLE "${schema}".ledger (id text PRIMARY KEY, credit_limit int, moved boolean NOT NULL DEFAULT false)`);
    await dataSource.query(`CREATE TABLE "${schema}".other_events (type text)`);
    connection = new AmqpConnection({ url: testAmqpUrl(), name: 'event-transport-spec' });
    await connection.start();
    broker = await TestBroker.open();
    relay = new OutboxRelay({
      databaseUrl: testDatabaseUrl(),
      schema,
      producer: 'account',
      connection,
      routes: [{ queue, eventTypes: null }],
    });
    await relay.start();

    app = await NestFactory.create(LedgerModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
    app.useGlobalFilters(new ProblemDetailsFilter());
    const transport = new EventTransport({ connection, dataSource, schema, queues: [queue], maxAttempts: 3 });
    app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
    await app.init();
    await app.startAllMicroservices();
  });

  afterAll(async () => {
    await app?.close();
    await relay?.stop();
    await broker?.deleteQueues([queue]);
    await broker?.close();
    await connection?.close();
    await dataSource?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  it('routes events to @EventPattern handlers, retries transient errors and dead-letters DomainErrors', async () => {
    await dataSource.transaction((m) =>
      store().append(m, 'account-a', 0, [
        { type: 'AccountOpened', data: opened('a') },
        { type: 'LimitUpdated', data: { id: 'a', newLimit: 200, oldLimit: 100 } },
        { type: 'AddressUpdated', data: { id: 'a', address: postal('2 New Rd'), previousAddress: postal('1 Old Rd') } },
        { type: 'VipStatusGranted', data: { id: 'a' } },
      ]),
    );
    await dataSource.transaction((m) =>
      store().append(m, 'account-b', 0, [
        { type: 'AccountOpened', data: opened('b') },
        { type: 'LimitUpdated', data: { id: 'b', newLimit: 13, oldLimit: 100 } },
      ]),
    );

    await eventually(async () => (await others()).length === 1, 10_000);
    expect(await ledger()).toEqual([
      { id: 'a', limit: 200, moved: true },
      { id: 'b', limit: 100, moved: false },
    ]);
    expect(calls.addressAttempts).toEqual([1, 2]);
    expect(await others()).toEqual(['VipStatusGranted']);

    const dead = await eventually(async () => (await broker.drain(deadLetterQueueOf(queue)))[0], 10_000);
    expect(JSON.parse(dead.content.toString())).toMatchObject({ streamId: 'account-b', streamVersion: 2 });
    expect(dead.properties.headers).toMatchObject({ 'x-error-code': 'UNLUCKY_LIMIT', 'x-attempts': 1, 'x-original-queue': queue });
  });

  it('rebuilds its read model through the rebuild handler when the subscription is rewound to 0', async () => {
    const before = await ledger();
    await relay.admin.rewind(queue, 0);
    await eventually(() => calls.rebuilds === 1, 10_000);
    // The inbox was reset with the read model, so the replayed history applies again, once.
    await eventually(async () => (await others()).length === 1 && (await ledger()).length === 2, 10_000);
    await eventually(async () => JSON.stringify(await ledger()) === JSON.stringify(before), 10_000);
    expect(await others()).toEqual(['VipStatusGranted']);
    const dead = await eventually(async () => (await broker.drain(deadLetterQueueOf(queue)))[0], 10_000);
    expect(dead.properties.headers).toMatchObject({ 'x-error-code': 'UNLUCKY_LIMIT' });
  });
});
