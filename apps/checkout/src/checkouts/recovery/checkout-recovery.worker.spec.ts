import { PlatformConfig } from '@app/platform';
import { eventually } from '@app/testing';
import { EventEmitter } from 'node:events';
import { CheckoutProcess } from '../process/checkout-process';
import { CheckoutRecoveryWorker } from './checkout-recovery.worker';
import { RecoveryOptions } from '../unfinished/recovery.options';
import { UnfinishedCheckoutsRepository } from '../unfinished/unfinished-checkouts.repository';

// The worker's election, driven by the spec: leadership comes and goes as the spec says.
class ElectionDouble extends EventEmitter {
  static last: ElectionDouble;
  leader = false;
  readonly start = jest.fn();
  readonly stop = jest.fn(async () => undefined);

  constructor() {
    super();
    ElectionDouble.last = this;
  }

  get isLeader(): boolean {
    return this.leader;
  }
}

jest.mock('@app/postgres', () => ({ ...jest.requireActual('@app/postgres'), LeaderElection: jest.fn(() => new ElectionDouble()) }));

const options: RecoveryOptions = {
  requestBudgetMs: 5_000,
  pendingAgeMs: 15_000,
  retryBaseMs: 500,
  retryCapMs: 10_000,
  deadlineMs: 60_000,
  intervalMs: 5,
  batchSize: 50,
  leaseMs: 10_000,
  leaseMarginMs: 2_000,
};

describe('CheckoutRecoveryWorker', () => {
  it('looks for due checkouts exactly while it leads, however leadership comes back', async () => {
    const due = jest.fn(async () => []);
    const worker = new CheckoutRecoveryWorker(
      { databaseUrl: 'unused' } as PlatformConfig,
      { recover: jest.fn() } as unknown as CheckoutProcess,
      { due } as unknown as UnfinishedCheckoutsRepository,
      options,
    );
    const election = ElectionDouble.last;
    worker.onApplicationBootstrap();
    expect(election.start).toHaveBeenCalledTimes(1);

    election.leader = true;
    election.emit('elected');
    await eventually(() => due.mock.calls.length > 0);

    // The lease lapses without a step-down (a slow heartbeat), then a heartbeat renews it: no 'elected' event.
    election.leader = false;
    await eventually(async () => {
      const seen = due.mock.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 4 * options.intervalMs));
      return due.mock.calls.length === seen;
    });
    const whileLapsed = due.mock.calls.length;
    election.leader = true;
    await eventually(() => due.mock.calls.length > whileLapsed);

    await worker.beforeApplicationShutdown();
    expect(election.stop).toHaveBeenCalledTimes(1);
    const afterShutdown = due.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 4 * options.intervalMs));
    expect(due.mock.calls.length).toBe(afterShutdown);
  });
});
