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

  it('records the operator Ops names in the credential it signs, and never one a header names', async () => {
    const body = { name: 'Hopper Tools', country: 'GB', bankAccount: { iban: 'GB82WEST12345698765432', bic: 'NWBKGB2L' } };
    // What Ops sends when ada (an admin) acts through it: a credential signed with Ops' own key.
    const asAda = await send(platform.url('merchant'), 'POST', '/merchants', body, {
      authorization: `Bearer ${platform.operatorCredential('ada', 'admin')}`,
    });
    expect(asAda.status).toBe(201);
    expect(await metadataOf('merchant', `merchant-${asAda.body.id}`)).toEqual([
      { metadata: { actor: 'operator:ada', correlationId: expect.any(String) } },
    ]);

    // The bootstrap token naming someone in a header is still the bootstrap admin, and only that.
    const asBootstrap = await send(platform.url('merchant'), 'POST', '/merchants', body, { 'x-operator': 'mallory' });
    expect(asBootstrap.status).toBe(201);
    expect(await metadataOf('merchant', `merchant-${asBootstrap.body.id}`)).toEqual([
      { metadata: { actor: 'operator:bootstrap', correlationId: expect.any(String) } },
    ]);

    // A service's own credential cannot be passed off as an operator's, nor can one Ops signed be altered.
    const forged = platform.operatorCredential('ada', 'viewer').split('.');
    const claims = { ...JSON.parse(Buffer.from(forged[1], 'base64url').toString()), role: 'admin' };
    const altered = [forged[0], Buffer.from(JSON.stringify(claims)).toString('base64url'), forged[2]].join('.');
    for (const credential of [platform.serviceToken('ops'), altered]) {
      const refused = await send(platform.url('merchant'), 'POST', '/merchants', body, { authorization: `Bearer ${credential}` });
      expect(refused.status).toBe(credential === altered ? 401 : 403);
    }
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
