import { TestPlatform } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { send } from './support/http';

/** Every service builds command metadata one way: its events carry the caller's correlation and causation ids. */
describe('command metadata, as a real process', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await TestPlatform.start(['merchant']);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it("records the caller's correlation and causation ids on a merchant's events", async () => {
    const correlationId = randomUUID();
    const causationId = randomUUID();
    const onboarded = await send(
      platform.url('merchant'),
      'POST',
      '/merchants',
      { name: 'Lovelace Books', country: 'GB', bankAccount: { iban: 'GB82WEST12345698765432', bic: 'NWBKGB2L' } },
      { 'x-correlation-id': correlationId, 'x-causation-id': causationId },
    );
    expect(onboarded.status).toBe(201);

    const client = new Client({ connectionString: platform.databaseUrl('merchant') });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT metadata FROM merchant.events WHERE stream_id = $1', [`merchant-${onboarded.body.id}`]);
      expect(rows).toEqual([{ metadata: { actor: 'http', correlationId, causationId } }]);
    } finally {
      await client.end();
    }
  });
});
