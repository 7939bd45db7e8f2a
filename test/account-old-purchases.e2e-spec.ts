import { RECENT_PURCHASES } from '../apps/account/src/accounts/domain/purchase-ledger';
import { TestPlatform } from '@app/testing';
import { send } from './support/http';

/**
 * The account state keeps only its recent purchases; a transactionId older than that window is
 * still charged once and refunded once, in the process that made it and in a cold one.
 */
describe('Purchases older than the state remembers', () => {
  let platform: TestPlatform;
  let account: string;

  beforeAll(async () => {
    platform = await TestPlatform.start(['account']);
    account = platform.url('account');
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it('answers a retry with the first answer, refuses another amount, and refunds once', async () => {
    const opened = await send<{ id: string }>(account, 'POST', '/accounts', {
      name: 'Ada',
      lastName: 'Lovelace',
      country: 'GB',
      address: { street: '1 St James Sq', city: 'London', zip: 'SW1' },
      limit: 1_000_000,
      currency: 'GBP',
    });
    const id = opened.body.id;
    const purchase = (base: string, transactionId: string, amount: number) =>
      send<{ balance: number; code?: string }>(base, 'POST', `/accounts/${id}/transactions`, {
        transactionId,
        amount,
        currency: 'GBP',
      });
    const count = RECENT_PURCHASES + 10;
    for (let i = 0; i < count; i++) expect((await purchase(account, `old-${i}`, 100 + i)).status).toBe(201);

    const retried = await purchase(account, 'old-0', 100);
    expect([retried.status, retried.body.balance]).toEqual([201, 999_900]);
    const reused = await purchase(account, 'old-0', 101);
    expect([reused.status, reused.body.code]).toEqual([409, 'TRANSACTION_ID_REUSED']);

    const refunded = await send<{ balance: number }>(account, 'POST', `/accounts/${id}/transactions/old-1/refund`);
    const spent = Array.from({ length: count }, (_, i) => 100 + i).reduce((a, b) => a + b, 0);
    expect([refunded.status, refunded.body.balance]).toEqual([200, 1_000_000 - spent + 101]);

    // A cold process knows none of it from memory.
    const cold = await platform.startInstance('account');
    const again = await send<{ code: string }>(cold.url, 'POST', `/accounts/${id}/transactions/old-1/refund`);
    expect([again.status, again.body.code]).toEqual([409, 'PURCHASE_ALREADY_REFUNDED']);
    const coldRetry = await purchase(cold.url, 'old-2', 102);
    expect([coldRetry.status, coldRetry.body.balance]).toEqual([201, 1_000_000 - 100 - 101 - 102]);
    const refundedCold = await send(cold.url, 'POST', `/accounts/${id}/transactions/old-2/refund`);
    expect(refundedCold.status).toBe(200);
    const retriedAfterRefund = await purchase(account, 'old-2', 102);
    expect([retriedAfterRefund.status, retriedAfterRefund.body.balance]).toEqual([201, 1_000_000 - 100 - 101 - 102]);

    const events = await send<{ type: string }[]>(account, 'GET', `/accounts/${id}/events`);
    expect(events.body.filter((event) => event.type === 'ItemPurchased')).toHaveLength(count);
    expect(events.body.filter((event) => event.type === 'PurchaseRefunded')).toHaveLength(2);
  });
});
