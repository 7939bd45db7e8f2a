import { createAggregate } from '@app/eventstore';
import { freshEventStore } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { checkoutAggregate } from '../checkout.aggregate';
import { CheckoutRequest } from '../domain/checkout.events';
import { checkoutIdFor, legacyCheckoutIdFor } from './checkout-id';
import { CheckoutProcess } from '../process/checkout-process';
import { FakeWorld } from '../process/fake-checkout-world';
import { CheckoutLeases, checkoutLeaseDdl } from '../unfinished/checkout-leases';
import { recoveryOptionsFromEnv } from '../unfinished/recovery.options';
import {
  UnfinishedCheckoutsRepository,
  unfinishedCheckoutsDdl,
  unfinishedFollowsEventsDdl,
} from '../unfinished/unfinished-checkouts.repository';
import { merchantCheckoutsBackfill, merchantCheckoutsDdl, merchantCheckoutsFollowEventsDdl } from './merchant-checkouts.ddl';
import { MerchantCheckoutsRepository } from './merchant-checkouts.repository';

describe('merchant_checkouts against a real event store', () => {
  let dataSource: DataSource;
  let schema: string;
  let process: CheckoutProcess;
  let repository: MerchantCheckoutsRepository;
  const world = new FakeWorld();
  const merchantId = randomUUID();
  const accountId = randomUUID();
  const request = (unitPrice: number, merchant = merchantId): CheckoutRequest => ({
    accountId,
    merchantId: merchant,
    items: [{ sku: 'book', quantity: 1, unitPrice }],
    currency: 'EUR',
  });
  const legacyKey = `order-${randomUUID()}`;

  beforeAll(async () => {
    ({ dataSource, schema } = await freshEventStore('checkout'));
    for (const statement of [...unfinishedCheckoutsDdl(schema), ...unfinishedFollowsEventsDdl(schema), ...checkoutLeaseDdl(schema)])
      await dataSource.query(statement);
    world.balances.set(accountId, 5_000);
    const options = recoveryOptionsFromEnv({ CHECKOUT_LEASE_MARGIN_MS: '1' });
    process = new CheckoutProcess(
      createAggregate(checkoutAggregate, dataSource, { schema }),
      world,
      new UnfinishedCheckoutsRepository(dataSource, schema, options.deadlineMs),
      new CheckoutLeases(dataSource, schema, options),
      options,
    );
    // Given checkouts made before the table, one under the id the old code derived from the key alone
    await process.checkout(legacyCheckoutIdFor(legacyKey), legacyKey, request(1_000));
    await process.checkout(randomUUID(), 'before-2', request(9_000));
    // When the migration's statements run
    for (const statement of [...merchantCheckoutsDdl(schema), ...merchantCheckoutsFollowEventsDdl(schema)])
      await dataSource.query(statement);
    await dataSource.query(merchantCheckoutsBackfill(schema));
    repository = new MerchantCheckoutsRepository(dataSource, schema);
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  it('finds a checkout made before the change by its merchant and key, under its old id, with its outcome', async () => {
    const legacyId = legacyCheckoutIdFor(legacyKey);
    expect(legacyId).not.toBe(checkoutIdFor(merchantId, legacyKey));
    expect(await repository.idFor(merchantId, legacyKey)).toBe(legacyId);
    expect(await repository.idFor(randomUUID(), legacyKey)).toBeUndefined();
    expect(await repository.find(legacyId, merchantId)).toMatchObject({ status: 'completed', total: 1_000, reason: null });
    expect(await repository.find(legacyId, randomUUID())).toBeUndefined();
    const [rejected] = (await repository.list({ merchantId, status: 'rejected', limit: 10 })).rows;
    expect(rejected).toMatchObject({ status: 'rejected', reason: 'INSUFFICIENT_FUNDS', total: 9_000 });
  });

  it('follows new checkouts in the transaction of their events, and lists them newest first a page at a time', async () => {
    const other = randomUUID();
    const ids = [];
    for (const key of ['new-1', 'new-2', 'new-3']) {
      const id = checkoutIdFor(merchantId, key);
      await process.checkout(id, key, request(100));
      ids.push(id);
    }
    await process.checkout(checkoutIdFor(other, 'new-1'), 'new-1', request(100, other));

    const row = await repository.find(ids[0]);
    expect(row).toMatchObject({ merchantId, status: 'completed', items: [{ sku: 'book', quantity: 1, unitPrice: 100 }] });
    expect(new Date(row!.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(row!.createdAt).getTime());
    expect(await repository.idFor(merchantId, 'new-1')).toBe(ids[0]);

    const first = await repository.list({ merchantId, limit: 2 });
    expect([first.rows.map((r) => r.checkoutId), first.more]).toEqual([[ids[2], ids[1]], true]);
    const second = await repository.list({ merchantId, limit: 2, before: BigInt(first.rows[1].position) });
    expect(second.rows.map((r) => r.checkoutId)).toEqual([ids[0], expect.any(String)]);
    const all = await repository.list({ merchantId, limit: 100 });
    expect([all.rows.length, all.more]).toEqual([5, false]);
    expect((await repository.list({ merchantId: other, limit: 100 })).rows).toHaveLength(1);
    expect((await repository.list({ merchantId, createdFrom: new Date(Date.now() + 60_000), limit: 100 })).rows).toEqual([]);
  });
});
