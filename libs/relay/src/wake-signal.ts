/** Wakes sleepers early: a NOTIFY, a leadership change or a stop cuts their wait short. */
export class WakeSignal {
  private readonly waiters = new Set<() => void>();

  wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    waiters.forEach((resolve) => resolve());
  }

  /** Resolves `true` on the next `wake()`, or `false` after `timeoutMs`, whichever comes first. */
  wait(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const settle = (woken: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(woken);
      };
      const waiter = () => settle(true);
      const timer = setTimeout(() => settle(false), timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
