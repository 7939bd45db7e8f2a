import { DownstreamUnavailableError } from '@app/platform';
import { commandMetadata, createAggregate } from '@app/eventstore';
import { freshEventStore } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { checkoutAggregate } from '../checkout.aggregate';
import { CheckoutRequest } from '../domain/checkout.events';
import { CheckoutLeases, checkoutLeaseDdl } from '../unfinished/checkout-leases';
import { recoveryOptionsFromEnv } from '../unfinished/recovery.options';
import {
  UnfinishedCheckoutsRepository,
  unfinishedCheckoutsDdl,
  unfinishedFollowsEventsDdl,
} from '../unfinished/unfinished-checkouts.repository';
import { CheckoutProcess } from './checkout-process';
import { FakeWorld } from './fake-checkout-world';

describe('CheckoutProcess against a real event store', () => {
  let dataSource: DataSource;
  let schema: string;

  beforeAll(async () => {
    ({ dataSource, schema } = await freshEventStore('checkout'));
    for (const statement of [...unfinishedCheckoutsDdl(schema), ...unfinishedFollowsEventsDdl(schema), ...checkoutLeaseDdl(schema)])
      await dataSource.query(statement);
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  // A margin of 1 ms: the fake world's calls take effect at once, so a failed run's lease may end at once.
  const processOf = (world: FakeWorld, env: NodeJS.ProcessEnv = { CHECKOUT_LEASE_MARGIN_MS: '1' }) => {
    const options = recoveryOptionsFromEnv(env);
    const unfinished = new UnfinishedCheckoutsRepository(dataSource, schema, options.deadlineMs);
    const leases = new CheckoutLeases(dataSource, schema, options);
    return new CheckoutProcess(createAggregate(checkoutAggregate, dataSource, { schema }), world, unfinished, leases, options);
  };

  const setUp = () => {
    const world = new FakeWorld();
    const checkouts = createAggregate(checkoutAggregate, dataSource, { schema });
    const accountId = randomUUID();
    world.balances.set(accountId, 10_000);
    const request: CheckoutRequest = {
      accountId,
      merchantId: randomUUID(),
      items: [{ sku: 'book', quantity: 2, unitPrice: 1_500 }],
      currency: 'EUR',
    };
    const steps = async (checkoutId: string) => (await checkouts.readStream(checkoutId)).map((e) => e.type);
    return { world, checkouts, process: processOf(world), request, accountId, steps };
  };

  it('records every step of a completed checkout and charges once', async () => {
    const { world, process, request, accountId, steps } = setUp();
    const checkoutId = randomUUID();
    const state = await process.checkout(checkoutId, 'k', request);
    expect(state).toMatchObject({ stage: 'completed', total: 3_000 });
    expect(world.balances.get(accountId)).toBe(7_000);
    expect(await steps(checkoutId)).toEqual([
      'CheckoutStarted',
      'PaymentAuthorised',
      'AccountCharged',
      'PaymentCaptured',
      'CheckoutCompleted',
    ]);
  });

  it('records who asked for the checkout on its start, and the process as actor of the steps it records', async () => {
    const { checkouts, process, request } = setUp();
    const checkoutId = randomUUID();
    await process.checkout(checkoutId, 'k', request, `merchant:${request.merchantId}`);
    const recorded = await checkouts.readStream(checkoutId);
    expect(recorded.map((event) => [event.type, event.metadata.actor, event.metadata.correlationId])).toEqual([
      ['CheckoutStarted', `merchant:${request.merchantId}`, checkoutId],
      ['PaymentAuthorised', 'checkout', checkoutId],
      ['AccountCharged', 'checkout', checkoutId],
      ['PaymentCaptured', 'checkout', checkoutId],
      ['CheckoutCompleted', 'checkout', checkoutId],
    ]);
  });

  it('drives twenty concurrent requests for one checkout as one run with one charge', async () => {
    const { world, process, request, accountId, steps } = setUp();
    const checkoutId = randomUUID();
    const states = await Promise.all(Array.from({ length: 20 }, () => process.checkout(checkoutId, 'k', request)));
    expect(new Set(states.map((s) => s.stage))).toEqual(new Set(['completed']));
    expect(world.charges.size).toBe(1);
    expect(world.balances.get(accountId)).toBe(7_000);
    expect((await steps(checkoutId)).filter((type) => type === 'AccountCharged')).toHaveLength(1);
  });

  it('resumes from the recorded step after a 503 and completes once', async () => {
    const { world, process, request, accountId, steps } = setUp();
    const checkoutId = randomUUID();
    world.down.add('payment-provider');
    await expect(process.checkout(checkoutId, 'k', request)).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' });
    expect(await steps(checkoutId)).toEqual(['CheckoutStarted']);
    world.down.delete('payment-provider');
    expect(await process.checkout(checkoutId, 'k', request)).toMatchObject({ stage: 'completed' });
    expect(world.balances.get(accountId)).toBe(7_000);
  });

  it('a new process instance (a restart) resumes a checkout left after the charge', async () => {
    const { world, process, request, accountId, steps } = setUp();
    const checkoutId = randomUUID();
    world.down.add('capture');
    await expect(process.checkout(checkoutId, 'k', request)).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' });
    expect(await steps(checkoutId)).toEqual(['CheckoutStarted', 'PaymentAuthorised', 'AccountCharged']);
    world.down.delete('capture');
    const restarted = processOf(world);
    expect(await restarted.checkout(checkoutId, 'k', request)).toMatchObject({ stage: 'completed' });
    expect(world.charges.size).toBe(1);
    expect(world.balances.get(accountId)).toBe(7_000);
  });

  it('two processes asked to drive one checkout at once: one drives it, the other leaves it to the lease holder', async () => {
    const { world, request, accountId, steps } = setUp();
    const checkoutId = randomUUID();
    const processes = [1, 2].map(() => processOf(world));
    const states = await Promise.all(
      processes.flatMap((p) => [p.checkout(checkoutId, 'k', request), p.checkout(checkoutId, 'k', request)]),
    );
    expect(states.map((s) => s.stage)).toContain('completed');
    expect(await processes[1].resume(checkoutId)).toMatchObject({ stage: 'completed' });
    expect(await steps(checkoutId)).toEqual([
      'CheckoutStarted',
      'PaymentAuthorised',
      'AccountCharged',
      'PaymentCaptured',
      'CheckoutCompleted',
    ]);
    expect(world.balances.get(accountId)).toBe(7_000);
  });

  it('compensates a failed capture: void, refund, rejected with CAPTURE_FAILED', async () => {
    const { world, process, request, accountId, steps } = setUp();
    const checkoutId = randomUUID();
    world.captureFails = true;
    const state = await process.checkout(checkoutId, 'k', request);
    expect(state).toMatchObject({ stage: 'rejected', reason: 'CAPTURE_FAILED', compensation: { refunded: true, voided: true } });
    expect(world.balances.get(accountId)).toBe(10_000);
    expect([...world.authorisations.values()].map((a) => a.status)).toEqual(['voided']);
    expect(await steps(checkoutId)).toEqual([
      'CheckoutStarted',
      'PaymentAuthorised',
      'AccountCharged',
      'PaymentCaptureFailed',
      'CheckoutCompensated',
      'CheckoutRejected',
    ]);
  });

  it('voids the authorisation when the account refuses the charge', async () => {
    const { world, process, request, accountId } = setUp();
    const checkoutId = randomUUID();
    // Screening saw enough funds; by the charge they are gone (Account's read model lags its writes).
    const screen = world.screen.bind(world);
    world.screen = async (...args) => {
      const facts = await screen(...args);
      world.balances.set(accountId, 100);
      return facts;
    };
    const state = await process.checkout(checkoutId, 'k', request);
    expect(state).toMatchObject({ stage: 'rejected', reason: 'INSUFFICIENT_FUNDS' });
    expect([...world.authorisations.values()].map((a) => a.status)).toEqual(['voided']);
    expect(world.charges.size).toBe(0);
  });

  it('rejects on Fraud’s word without authorising anything', async () => {
    const { world, process, request } = setUp();
    world.fraudDecision = 'reject';
    const state = await process.checkout(randomUUID(), 'k', request);
    expect(state).toMatchObject({ stage: 'rejected', reason: 'FRAUD_REJECTED', details: ['VELOCITY'] });
    expect(world.authorisations.size).toBe(0);
  });

  it('refuses the same checkout id with a different body', async () => {
    const { process, request } = setUp();
    const checkoutId = randomUUID();
    await process.checkout(checkoutId, 'k', request);
    await expect(process.checkout(checkoutId, 'k', { ...request, currency: 'USD' })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  });

  it('finds an authorisation whose answer was lost by its key instead of authorising again', async () => {
    const { world, process, request, steps } = setUp();
    const checkoutId = randomUUID();
    const authorise = world.authorise.bind(world);
    world.authorise = async (...args) => {
      await authorise(...args);
      throw new DownstreamUnavailableError('payment-provider');
    };
    await expect(process.checkout(checkoutId, 'k', request)).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' });
    world.authorise = authorise;
    expect(await process.resume(checkoutId)).toMatchObject({ stage: 'completed' });
    expect(world.authorisations.size).toBe(1);
    expect(await steps(checkoutId)).toEqual([
      'CheckoutStarted',
      'PaymentAuthorised',
      'AccountCharged',
      'PaymentCaptured',
      'CheckoutCompleted',
    ]);
  });

  it('keeps the next attempt and the last error of a checkout that cannot finish, and forgets it once final', async () => {
    const { world, process, request } = setUp();
    const checkoutId = randomUUID();
    const unfinished = new UnfinishedCheckoutsRepository(dataSource, schema, 60_000);
    world.down.add('capture');
    await expect(process.checkout(checkoutId, 'k', request)).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' });
    expect(await unfinished.find(checkoutId)).toMatchObject({
      attempts: 1,
      step: 'capture',
      lastError: expect.stringContaining('PAYMENT_PROVIDER_UNAVAILABLE'),
    });
    world.down.delete('capture');
    expect(await process.resume(checkoutId)).toMatchObject({ stage: 'completed' });
    expect(await unfinished.find(checkoutId)).toBeUndefined();
  });

  it('tracks a checkout in the transaction that starts it, so a crash right after the start leaves it for the worker', async () => {
    const { checkouts, request } = setUp();
    const checkoutId = randomUUID();
    const unfinished = new UnfinishedCheckoutsRepository(dataSource, schema, 60_000);
    const metadata = commandMetadata('spec');
    await checkouts.execute(checkoutId, {
      type: 'StartCheckout',
      data: { checkoutId, idempotencyKey: 'k', request },
      metadata,
    });
    expect(await unfinished.find(checkoutId)).toMatchObject({ checkoutId, attempts: 0 });
  });

  it('voids an authorisation it got after another driver had abandoned and compensated the checkout without it', async () => {
    const { world, process, request, steps } = setUp();
    const checkoutId = randomUUID();
    const authorise = world.authorise.bind(world);
    world.authorise = async (...args) => {
      await processOf(world).abandon(checkoutId, 'OPERATOR_COMPENSATED');
      return authorise(...args);
    };
    expect(await process.checkout(checkoutId, 'k', request)).toMatchObject({ stage: 'rejected', reason: 'OPERATOR_COMPENSATED' });
    expect([...world.authorisations.values()].map((a) => a.status)).toEqual(['voided']);
    expect(await steps(checkoutId)).toEqual(['CheckoutStarted', 'CheckoutAbandoned', 'CheckoutCompensated', 'CheckoutRejected']);
  });

  it('compensates a charged checkout once it is abandoned: voids, refunds, and never captures after', async () => {
    const { world, process, request, accountId, steps } = setUp();
    const checkoutId = randomUUID();
    world.down.add('capture');
    await expect(process.checkout(checkoutId, 'k', request)).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' });
    const state = await process.abandon(checkoutId, 'DEADLINE_EXCEEDED');
    expect(state).toMatchObject({ stage: 'rejected', reason: 'DEADLINE_EXCEEDED', compensation: { refunded: true, voided: true } });
    expect(world.balances.get(accountId)).toBe(10_000);
    world.down.delete('capture');
    expect(await process.resume(checkoutId)).toMatchObject({ stage: 'rejected' });
    expect([...world.authorisations.values()].map((a) => a.status)).toEqual(['voided']);
    expect(await steps(checkoutId)).toEqual([
      'CheckoutStarted',
      'PaymentAuthorised',
      'AccountCharged',
      'CheckoutAbandoned',
      'CheckoutCompensated',
      'CheckoutRejected',
    ]);
  });

  it('voids an authorisation whose answer was lost when a checkout is abandoned before it recorded one, and refunds nothing', async () => {
    const { world, process, request, accountId } = setUp();
    const checkoutId = randomUUID();
    const authorise = world.authorise.bind(world);
    world.authorise = async (...args) => {
      await authorise(...args);
      throw new DownstreamUnavailableError('payment-provider');
    };
    await expect(process.checkout(checkoutId, 'k', request)).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' });
    const state = await process.abandon(checkoutId, 'OPERATOR_COMPENSATED');
    expect(state).toMatchObject({ stage: 'rejected', reason: 'OPERATOR_COMPENSATED', compensation: { refunded: false, voided: true } });
    expect([...world.authorisations.values()].map((a) => a.status)).toEqual(['voided']);
    expect(world.balances.get(accountId)).toBe(10_000);
  });

  it('stops a driver whose lease was taken over: its report is refused, and the new driver finishes the checkout once', async () => {
    const { world, request, accountId, steps } = setUp();
    const checkoutId = randomUUID();
    const taker = processOf(world);
    let tookOver = false;
    const charge = world.charge.bind(world);
    world.charge = async (...args) => {
      // The first driver stalls past its lease in the middle of the charge; the worker takes over,
      // charges and fails to capture, so the checkout stays unfinished under the worker's epoch.
      if (!tookOver) {
        tookOver = true;
        await dataSource.query(`UPDATE "${schema}".unfinished_checkouts SET lease_until = now() WHERE checkout_id = $1`, [checkoutId]);
        world.down.add('capture');
        await expect(taker.resume(checkoutId)).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' });
        world.down.delete('capture');
      }
      return charge(...args);
    };
    const stale = await processOf(world).checkout(checkoutId, 'k', request);
    expect(stale).toMatchObject({ stage: 'charged' });
    expect(await steps(checkoutId)).toEqual(['CheckoutStarted', 'PaymentAuthorised', 'AccountCharged']);
    expect(await taker.resume(checkoutId)).toMatchObject({ stage: 'completed' });
    expect(world.charges.size).toBe(1);
    expect(world.balances.get(accountId)).toBe(7_000);
    expect(await steps(checkoutId)).toEqual([
      'CheckoutStarted',
      'PaymentAuthorised',
      'AccountCharged',
      'PaymentCaptured',
      'CheckoutCompleted',
    ]);
    const epochs: { epoch: string }[] = await dataSource.query(
      `SELECT metadata->>'leaseEpoch' AS epoch FROM "${schema}".events WHERE stream_id = $1 ORDER BY stream_version`,
      [checkoutAggregate.streamId(checkoutId)],
    );
    expect(epochs.map((e) => e.epoch)).toEqual([null, '1', '2', '3', '3']);
  });

  it('compensates, not finishes, a checkout whose driver finds it past its deadline', async () => {
    const { world, request, accountId, steps } = setUp();
    const checkoutId = randomUUID();
    world.down.add('capture');
    await expect(processOf(world).checkout(checkoutId, 'k', request)).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' });
    world.down.delete('capture');
    await dataSource.query(`UPDATE "${schema}".unfinished_checkouts SET started_at = now() - interval '1 hour' WHERE checkout_id = $1`, [
      checkoutId,
    ]);
    expect(await processOf(world).resume(checkoutId)).toMatchObject({ stage: 'rejected', reason: 'DEADLINE_EXCEEDED' });
    expect(world.balances.get(accountId)).toBe(10_000);
    expect((await steps(checkoutId)).slice(-3)).toEqual(['CheckoutAbandoned', 'CheckoutCompensated', 'CheckoutRejected']);
  });
});
