import { TestPlatform } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { send } from './support/http';

/**
 * Every service builds command metadata one way: its events carry the authenticated principal as
 * actor, and the caller's correlation and causation ids.
 */
describe('command metadata, as a real process', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await TestPlatform.start(['merchant', 'fraud']);
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const metadataOf = async (service: 'merchant' | 'fraud', streamId: string) => {
    const client = new Client({ connectionString: platform.databaseUrl(service) });
    await client.connect();
    try {
      return (await client.query(`SELECT metadata FROM ${service}.events WHERE stream_id = $1`, [streamId])).rows;
    } finally {
      await client.end();
    }
  };

  it("records the operator as actor, and the caller's correlation and causation ids, on a merchant's events", async () => {
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

    expect(await metadataOf('merchant', `merchant-${onboarded.body.id}`)).toEqual([
      { metadata: { actor: 'operator:bootstrap', correlationId, causationId } },
    ]);
  });

  it('records the calling service as actor of the assessment it asked for', async () => {
    const correlationId = randomUUID();
    const checkoutId = randomUUID();
    const assessed = await send(
      platform.url('fraud'),
      'POST',
      '/assessments',
      { accountId: randomUUID(), merchantId: randomUUID(), amount: 1_000, currency: 'EUR', checkoutId },
      { authorization: `Bearer ${platform.serviceToken('checkout')}`, 'x-correlation-id': correlationId },
    );
    expect(assessed.status).toBe(200);

    expect(await metadataOf('fraud', `assessment-${checkoutId}`)).toEqual([{ metadata: { actor: 'service:checkout', correlationId } }]);
  });
});
