import { WakeSignal } from './wake-signal';

describe('WakeSignal', () => {
  it('wakes a waiter early', async () => {
    const signal = new WakeSignal();
    const waiting = signal.wait(10_000);
    signal.wake();
    await expect(waiting).resolves.toBe(true);
  });

  it('times out when nobody wakes it', async () => {
    await expect(new WakeSignal().wait(5)).resolves.toBe(false);
  });

  it('does not lose a wake that came while the waiter was busy', async () => {
    const signal = new WakeSignal();
    const seen = signal.generation;
    signal.wake();
    await expect(signal.wait(10_000, seen)).resolves.toBe(true);
    await expect(signal.wait(5, signal.generation)).resolves.toBe(false);
  });
});

describe('WakeSignal.whenWoken', () => {
  it('settles on the next wake, or at once for a wake already missed, and can be dropped', async () => {
    const signal = new WakeSignal();
    const seen = signal.generation;
    const next = signal.whenWoken(seen);
    let settled = false;
    void next.woken.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    signal.wake();
    await next.woken;
    await expect(signal.whenWoken(seen).woken).resolves.toBeUndefined();

    const dropped = signal.whenWoken(signal.generation);
    dropped.cancel();
    let droppedSettled = false;
    void dropped.woken.then(() => (droppedSettled = true));
    signal.wake();
    await Promise.resolve();
    expect(droppedSettled).toBe(false);
  });
});
