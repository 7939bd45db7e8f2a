import { freshEventStore, uniqueSuffix } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventStore } from './event-store';
import { NewerSchemaVersionError } from './upcast-recorded';

describe('EventStore: schema versions against PostgreSQL', () => {
  let schema: string;
  let dataSource: DataSource;
  let store: EventStore;

  beforeAll(async () => {
    ({ schema, dataSource } = await freshEventStore());
    store = new EventStore(schema, 'account');
  });

  afterAll(async () => {
    await dataSource?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  /** An event written by an older (or newer) release, straight into the table. */
  const insertRaw = (streamId: string, version: number, type: string, schemaVersion: number, data: unknown) =>
    dataSource.query(
      `INSERT INTO "${schema}".events (event_id, stream_id, stream_version, type, schema_version, data, metadata) VALUES ($1, $2, $3, $4, $5, $6, '{}')`,
      [randomUUID(), streamId, version, type, schemaVersion, JSON.stringify(data)],
    );

  it('writes each event at its current schema version and reads a stream mixing v1 and v2 as v2 only', async () => {
    const id = randomUUID();
    const streamId = `account-${id}-${uniqueSuffix()}`;
    const home = { street: '1 Old Rd', city: 'Leeds', zip: 'LS1' };
    const moved = { street: '2 New Rd', city: 'York', zip: 'YO1' };
    await insertRaw(streamId, 1, 'AddressUpdated', 1, { id, address: moved, previousAddress: home });
    const [appended] = await store.append(dataSource.manager, streamId, 1, [
      {
        type: 'AddressUpdated',
        data: {
          id,
          address: { street: '3 Rue', city: 'Paris', postalCode: '75001', country: 'FR' },
          previousAddress: { street: '2 New Rd', city: 'York', postalCode: 'YO1', country: 'GB' },
        },
      },
    ]);
    expect(appended.schemaVersion).toBe(2);

    const events = await store.readStream(dataSource.manager, streamId);
    expect(events.map((e) => e.schemaVersion)).toEqual([2, 2]);
    expect(events[0].data).toEqual({
      id,
      address: { street: '2 New Rd', city: 'York', postalCode: 'YO1', country: null },
      previousAddress: { street: '1 Old Rd', city: 'Leeds', postalCode: 'LS1', country: null },
    });
    const [stored] = await dataSource.query(`SELECT schema_version FROM "${schema}".events WHERE stream_id = $1 AND stream_version = 1`, [
      streamId,
    ]);
    expect(stored.schema_version).toBe(1);
  });

  it('refuses to load a stream holding a version newer than this release knows', async () => {
    const streamId = `account-${randomUUID()}`;
    await insertRaw(streamId, 1, 'AddressUpdated', 3, { id: 'x' });
    await expect(store.readStream(dataSource.manager, streamId)).rejects.toThrow(NewerSchemaVersionError);
  });
});
