import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ContractEvent, deadLetterQueueOf } from '@app/contracts';
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
import { EventBatchContext } from './event-batch';
import { EventContext } from './event-context';
import { EventTransport } from './event-transport.strategy';
import { On, OnBatch } from './on';
import { AnyEvent, rebuildPattern } from './patterns';

const queue = `t${uniqueSuffix()}.account-events`;
let schema: string;
const calls = { rebuilds: 0, addressAttempts: [] as number[], phoneBatches: [] as string[][] };

/** Account ids are UUIDs by contract; `uuid('a')` keeps the spec's names readable and their order. */
const uuid = (name: string) => `00000000-0000-4000-8000-${Buffer.from(name).toString('hex').padStart(12, '0')}`;

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

/** A read model fed through Nest, the way services write theirs; `@On` hands a handler its event and context without `@Payload()`/`@Ctx()`. */
@Controller()
class LedgerProjection {
  @On('account', 'AccountOpened')
  async opened(event: ContractEvent<'account', 'AccountOpened'>, ctx: EventContext) {
    await ctx.manager.query(`INSERT INTO "${schema}".ledger (id, credit_limit) VALUES ($1, $2)`, [event.data.id, event.data.limit]);
  }

  @On('account', 'LimitUpdated')
  async limitUpdated(event: ContractEvent<'account', 'LimitUpdated'>, ctx: EventContext) {
    if (event.data.newLimit === 13) throw new DomainError('rule', 'UNLUCKY_LIMIT', 'this ledger refuses a limit of 13');
    await ctx.manager.query(`UPDATE "${schema}".ledger SET credit_limit = $2 WHERE id = $1`, [event.data.id, event.data.newLimit]);
  }

  @On('account', 'AddressUpdated')
  async addressUpdated(@Payload() event: ContractEvent<'account', 'AddressUpdated'>, @Ctx() ctx: EventContext) {
    calls.addressAttempts.push(ctx.delivery.attempt);
    if (ctx.delivery.attempt === 1) throw new Error('geocoder timed out');
    await ctx.manager.query(`UPDATE "${schema}".ledger SET moved = true WHERE id = $1`, [event.data.id]);
  }

  @OnBatch('account', 'PhoneNumberAdded')
  async phonesAdded(events: readonly ContractEvent<'account', 'PhoneNumberAdded'>[], ctx: EventBatchContext) {
    calls.phoneBatches.push(events.map((event) => event.data.id));
    // The first call holds its transaction open, so that the events behind it make one batch.
    if (calls.phoneBatches.length === 1) await new Promise((resolve) => setTimeout(resolve, 300));
    if (events.some((event) => event.data.phoneNumber === '13')) throw new DomainError('rule', 'UNLUCKY_PHONE', 'no phone number 13');
    await ctx.manager.query(`INSERT INTO "${schema}".phones (id) SELECT unnest($1::text[])`, [events.map((event) => event.data.id)]);
  }

  @EventPattern(AnyEvent)
  async anythingElse(@Payload() event: ContractEvent<'account'>, @Ctx() ctx: EventContext) {
    await ctx.manager.query(`INSERT INTO "${schema}".other_events (type) VALUES ($1)`, [event.type]);
  }

  @EventPattern(rebuildPattern(queue))
  async rebuild(@Ctx() ctx: EventContext) {
    calls.rebuilds++;
    await ctx.manager.query(`TRUNCATE "${schema}".ledger, "${schema}".other_events, "${schema}".phones`);
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
    await dataSource.query(`CREATE TABLE "${schema}".phones (id text PRIMARY KEY)`);
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
        { type: 'AccountOpened', data: opened(uuid('a')) },
        { type: 'LimitUpdated', data: { id: uuid('a'), newLimit: 200, oldLimit: 100 } },
        { type: 'AddressUpdated', data: { id: uuid('a'), address: postal('2 New Rd'), previousAddress: postal('1 Old Rd') } },
        { type: 'VipStatusGranted', data: { id: uuid('a') } },
      ]),
    );
    await dataSource.transaction((m) =>
      store().append(m, 'account-b', 0, [
        { type: 'AccountOpened', data: opened(uuid('b')) },
        { type: 'LimitUpdated', data: { id: uuid('b'), newLimit: 13, oldLimit: 100 } },
      ]),
    );

    await eventually(async () => (await others()).length === 1, 10_000);
    // An append applies whole or not at all: b's opening waits for its LimitUpdated, dead-lettered below.
    expect(await ledger()).toEqual([{ id: uuid('a'), limit: 200, moved: true }]);
    // Tried again within its first attempt while the failed batch and its drain are taken apart (two or three
    // times, as the deliveries happened to batch), then once after its retry tier.
    expect(calls.addressAttempts.filter((attempt) => attempt !== 1)).toEqual([2]);
    expect(calls.addressAttempts.at(-1)).toBe(2);
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
    await eventually(async () => (await others()).length === 1 && (await ledger()).length === 1, 10_000);
    await eventually(async () => JSON.stringify(await ledger()) === JSON.stringify(before), 10_000);
    expect(await others()).toEqual(['VipStatusGranted']);
    const dead = await eventually(async () => (await broker.drain(deadLetterQueueOf(queue)))[0], 10_000);
    expect(dead.properties.headers).toMatchObject({ 'x-error-code': 'UNLUCKY_LIMIT' });
  });

  it('hands a batch handler the events of one transaction at once, and those of a failing batch one by one', async () => {
    const ids = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'].map(uuid);
    await dataSource.transaction(async (m) => {
      for (const id of ids) {
        await store().append(m, `account-${id}`, 0, [
          { type: 'PhoneNumberAdded', data: { id, phoneNumber: id === uuid('p5') ? '13' : '+44 1' } },
        ]);
      }
    });

    const phones = async () => (await dataSource.query(`SELECT id FROM "${schema}".phones ORDER BY id`)).map((r: { id: string }) => r.id);
    await eventually(async () => (await phones()).length === 7, 10_000);
    expect(await phones()).toEqual(ids.filter((id) => id !== uuid('p5')));
    expect(Math.max(...calls.phoneBatches.map((batch) => batch.length))).toBeGreaterThan(1);
    // Its batch failed, so the poison went to the handler again alone, and only it was dead-lettered.
    expect(calls.phoneBatches.filter((batch) => batch.includes(uuid('p5'))).at(-1)).toEqual([uuid('p5')]);
    const dead = await eventually(async () => (await broker.drain(deadLetterQueueOf(queue)))[0], 10_000);
    expect(JSON.parse(dead.content.toString())).toMatchObject({ streamId: `account-${uuid('p5')}` });
    expect(dead.properties.headers).toMatchObject({ 'x-error-code': 'UNLUCKY_PHONE', 'x-attempts': 1 });
  });
});
