import { EventEnvelope, Producer, currentSchemaVersion, queueName } from '@app/contracts';
import { Delivery, EventBatchContext, EventContext, parseEnvelope } from '@app/messaging';
import { freshEventStore } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { opsDdl } from '../../migrations/ops-ddl';
import { AuditLogRepository } from '../audit-log.repository';
import { AuditLogConsumer } from './audit-log.consumer';

const ada = '00000000-0000-4000-8000-00000000000a';
const shop = '00000000-0000-4000-8000-0000000000c1';

/** The audit log is a read model of every event of every producer: given events, then its rows. */
describe('AuditLogConsumer', () => {
  let dataSource: DataSource;
  let schema: string;
  let consumer: AuditLogConsumer;

  beforeAll(async () => {
    ({ dataSource, schema } = await freshEventStore('ops'));
    for (const statement of opsDdl(schema)) await dataSource.query(statement);
    consumer = new AuditLogConsumer(new AuditLogRepository(schema));
  });

  afterAll(async () => {
    await dataSource?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  let position = 0;
  const event = (producer: Producer, type: string, streamId: string, streamVersion: number, data: unknown): EventEnvelope =>
    parseEnvelope(
      Buffer.from(
        JSON.stringify({
          eventId: randomUUID(),
          type,
          schemaVersion: currentSchemaVersion(producer, type),
          streamId,
          streamVersion,
          globalPosition: String(++position),
          occurredAt: new Date(Date.UTC(2026, 0, 1, 10, 0, position)).toISOString(),
          data,
          metadata: { actor: 'spec' },
        }),
      ),
      producer,
    );
  const delivery = (producer: Producer) => ({ queue: queueName('ops', producer), manager: dataSource.manager, attempt: 1 }) as Delivery;
  const given = (producer: Producer, events: EventEnvelope[]) =>
    dataSource.transaction((manager) =>
      consumer.onEvents(events, new EventBatchContext([events.map(() => ({ ...delivery(producer), manager }))])),
    );
  const rows = async () =>
    (
      await dataSource.query(
        `SELECT event_id AS "eventId", producer, stream_id AS "streamId", stream_version AS "streamVersion", type, data
           FROM "${schema}".audit_events ORDER BY global_position`,
      )
    ).map((row: Record<string, unknown>) => row);
  beforeEach(() => dataSource.query(`TRUNCATE "${schema}".audit_events`));

  it('given a batch with several events of one stream and one delivered twice, then each is stored once, under its producer', async () => {
    const opened = event('account', 'VipStatusGranted', `account-${ada}`, 1, { id: ada });
    const revoked = event('account', 'VipStatusRevoked', `account-${ada}`, 2, { id: ada });
    await given('account', [opened, revoked, opened]);
    await given('account', [revoked]);
    expect(await rows()).toEqual([
      {
        eventId: opened.eventId,
        producer: 'account',
        streamId: `account-${ada}`,
        streamVersion: 1,
        type: 'VipStatusGranted',
        data: { id: ada },
      },
      {
        eventId: revoked.eventId,
        producer: 'account',
        streamId: `account-${ada}`,
        streamVersion: 2,
        type: 'VipStatusRevoked',
        data: { id: ada },
      },
    ]);
  });

  it('given a rebuild of one producer’s queue, then only that producer’s entries are forgotten', async () => {
    await given('account', [event('account', 'VipStatusGranted', `account-${ada}`, 1, { id: ada })]);
    const reinstated = event('merchant', 'MerchantReinstated', `merchant-${shop}`, 3, { id: shop });
    await given('merchant', [reinstated]);
    await dataSource.transaction((manager) => consumer.onRebuild(new EventContext([{ ...delivery('account'), manager }])));
    expect((await rows()).map((row: { eventId: string; producer: string }) => [row.producer, row.eventId])).toEqual([
      ['merchant', reinstated.eventId],
    ]);
  });
});
