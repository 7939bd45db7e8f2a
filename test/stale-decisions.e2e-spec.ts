import { ServiceInstance, TestPlatform } from '@app/testing';
import { send } from './support/http';

type Event = { type: string; version: number };

/**
 * Two processes of one service share a stream. A decision that appends nothing (a no-op or a
 * rejection) must still be taken against the stream's latest version, not against what one
 * process cached before the other moved the stream on.
 */
describe('Decisions across two processes see the latest version of the stream', () => {
  let platform: TestPlatform;
  const second: Partial<Record<'account' | 'merchant', ServiceInstance>> = {};

  beforeAll(async () => {
    platform = await TestPlatform.start(['account', 'merchant']);
    second.account = await platform.startInstance('account');
    second.merchant = await platform.startInstance('merchant');
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const bothOf = (service: 'account' | 'merchant') => [platform.url(service), second[service]!.url];

  describe('account', () => {
    const openOn = async (base: string) => {
      const answer = await send<{ id: string }>(base, 'POST', '/accounts', {
        name: 'Barbara',
        lastName: 'Liskov',
        country: 'US',
        address: { street: '1 Main St', city: 'Boston', zip: '02139' },
        limit: 10_000,
        currency: 'USD',
      });
      expect(answer.status).toBe(201);
      return answer.body.id;
    };
    const statusChanges = async (base: string, id: string) =>
      (await send<Event[]>(base, 'GET', `/accounts/${id}/events`)).body.filter((event) => event.type === 'StatusChanged');

    it('locks again on A after B unlocked what A had locked (no stale "already locked")', async () => {
      const [a, b] = bothOf('account');
      const id = await openOn(a);
      expect((await send(a, 'POST', `/accounts/${id}/lock`)).status).toBe(200);
      expect((await send(b, 'POST', `/accounts/${id}/unlock`)).status).toBe(200);
      expect((await send(a, 'POST', `/accounts/${id}/lock`)).status).toBe(200);

      expect(await statusChanges(b, id)).toHaveLength(3);
      const view = await send<{ status: string }>(b, 'POST', `/accounts/${id}/lock`);
      expect(view.status).toBe(200);
      expect(await statusChanges(a, id)).toHaveLength(3);
    });

    it('takes a purchase on A after B unlocked and raised the limit (no stale ACCOUNT_LOCKED)', async () => {
      const [a, b] = bothOf('account');
      const id = await openOn(a);
      expect((await send(a, 'POST', `/accounts/${id}/lock`)).status).toBe(200);
      // A caches "locked" by refusing a purchase.
      const refused = await send<{ code: string }>(a, 'POST', `/accounts/${id}/transactions`, {
        transactionId: 't-0',
        amount: 100,
        currency: 'USD',
      });
      expect([refused.status, refused.body.code]).toEqual([409, 'ACCOUNT_LOCKED']);
      expect((await send(b, 'POST', `/accounts/${id}/unlock`)).status).toBe(200);
      expect((await send(b, 'PUT', `/accounts/${id}/limit`, { limit: 5_000 })).status).toBe(200);

      const bought = await send<{ balance: number }>(a, 'POST', `/accounts/${id}/transactions`, {
        transactionId: 't-1',
        amount: 100,
        currency: 'USD',
      });
      expect([bought.status, bought.body.balance]).toEqual([201, 4_900]);
    });
  });

  describe('merchant', () => {
    const bankAccounts = [
      { iban: 'GB82 WEST 1234 5698 7654 32', bic: 'NWBKGB2L' },
      { iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX' },
    ];
    const onboardOn = async (base: string) => {
      const answer = await send<{ id: string }>(base, 'POST', '/merchants', {
        name: 'Shop',
        country: 'GB',
        bankAccount: bankAccounts[0],
      });
      expect(answer.status).toBe(201);
      return answer.body.id;
    };
    const view = async (base: string, id: string) =>
      (await send<{ status: string; version: number; bankAccount: { bic: string } }>(base, 'GET', `/merchants/${id}`)).body;

    it('suspends again on A after B reinstated what A had suspended', async () => {
      const [a, b] = bothOf('merchant');
      const id = await onboardOn(a);
      expect((await send(a, 'POST', `/merchants/${id}/suspend`, { reason: 'chargebacks' })).status).toBe(200);
      expect((await send(b, 'POST', `/merchants/${id}/reinstate`)).status).toBe(200);
      const suspended = await send<{ status: string; version: number }>(a, 'POST', `/merchants/${id}/suspend`, { reason: 'again' });

      expect([suspended.status, suspended.body.status, suspended.body.version]).toEqual([200, 'suspended', 4]);
      expect(await view(b, id)).toMatchObject({ status: 'suspended', version: 4 });
    });

    it('changes the bank account back on A after B changed it (no stale "same bank account")', async () => {
      const [a, b] = bothOf('merchant');
      const id = await onboardOn(a);
      expect((await send(a, 'PUT', `/merchants/${id}/bank-account`, bankAccounts[1])).status).toBe(200);
      expect((await send(b, 'PUT', `/merchants/${id}/bank-account`, bankAccounts[0])).status).toBe(200);
      const changed = await send<{ version: number; bankAccount: { bic: string } }>(
        a,
        'PUT',
        `/merchants/${id}/bank-account`,
        bankAccounts[1],
      );

      expect([changed.status, changed.body.version, changed.body.bankAccount.bic]).toEqual([200, 4, 'COBADEFFXXX']);
      expect(await view(b, id)).toMatchObject({ version: 4, bankAccount: { bic: 'COBADEFFXXX' } });
    });
  });
});
