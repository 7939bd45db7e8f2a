import { msBeforeCallDeadline } from '@app/platform';
import { CheckoutLeases, Lease } from '../unfinished/checkout-leases';
import { LeaseFence, LeaseLostError } from './lease-fence';

/** CheckoutLeases as the fence sees it: each take answers the next scripted lease (undefined: held by another). */
const leasesAnswering = (...answers: (Lease | undefined)[]) => {
  const asked: (number | undefined)[] = [];
  const leases = {
    take: async (_checkoutId: string, held: number | undefined) => {
      asked.push(held);
      return answers.shift();
    },
    release: async () => undefined,
  } as unknown as CheckoutLeases;
  return { leases, asked };
};

const options = { leaseMs: 10_000, marginMs: 2_000 };
const lease = (epoch: number, remainingMs: number, msToDeadline = 60_000): Lease => ({ epoch, remainingMs, msToDeadline });

describe('LeaseFence', () => {
  it('given a fresh lease, when a call is made, then it runs without renewing and must end the margin before the lease', async () => {
    const { leases, asked } = leasesAnswering(lease(3, 10_000));
    const fence = new LeaseFence(leases, 'c', options);
    expect(await fence.take()).toBe(true);
    const left = await fence.call(async () => msBeforeCallDeadline());
    expect(asked).toEqual([undefined]);
    expect(left).toBeGreaterThan(7_000);
    expect(left).toBeLessThanOrEqual(8_000);
    expect(fence.epoch).toBe(3);
  });

  it('given a lease more than half spent, when a call is made, then the lease is renewed under its epoch first', async () => {
    const { leases, asked } = leasesAnswering(lease(3, 6_000), lease(3, 10_000));
    const fence = new LeaseFence(leases, 'c', options);
    await fence.take();
    await fence.call(async () => undefined);
    expect(asked).toEqual([undefined, 3]);
  });

  it('given a lease another driver took over, when a call is due, then nothing is called and the driver stops', async () => {
    const { leases } = leasesAnswering(lease(3, 2_500), undefined);
    const fence = new LeaseFence(leases, 'c', options);
    await fence.take();
    let called = false;
    await expect(fence.call(async () => (called = true))).rejects.toBeInstanceOf(LeaseLostError);
    expect(called).toBe(false);
  });

  it('given a checkout another driver holds, when the run asks for it, then it does not get it', async () => {
    const { leases } = leasesAnswering(undefined);
    expect(await new LeaseFence(leases, 'c', options).take()).toBe(false);
  });

  it('given a checkout past its deadline, then the fence says so, so that only compensation goes on', async () => {
    const { leases } = leasesAnswering(lease(1, 10_000, -5));
    const fence = new LeaseFence(leases, 'c', options);
    await fence.take();
    expect(fence.overdue).toBe(true);
  });
});
