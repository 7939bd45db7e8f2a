/**
 * Wakes sleepers early: a NOTIFY, a leadership change or a stop cuts their wait short.
 *
 * Every `wake()` also bumps `generation`, so a worker that was busy when a NOTIFY arrived does
 * not miss it: it passes the generation it saw before reading to `wait`, which then returns at once.
 */
export class WakeSignal {
  private readonly waiters = new Set<() => void>();
  private wakes = 0;

  /** How many times `wake()` has been called; compare with a later value to see whether anything happened. */
  get generation(): number {
    return this.wakes;
  }

  wake(): void {
    this.wakes++;
    const waiters = [...this.waiters];
    this.waiters.clear();
    waiters.forEach((resolve) => resolve());
  }

  /** A promise of the next wake after `seenGeneration` (settled at once if one already came); `cancel` drops it. */
  whenWoken(seenGeneration: number): { woken: Promise<void>; cancel(): void } {
    if (seenGeneration !== this.wakes) return { woken: Promise.resolve(), cancel: () => undefined };
    let waiter!: () => void;
    const woken = new Promise<void>((resolve) => (waiter = resolve));
    this.waiters.add(waiter);
    return { woken, cancel: () => this.waiters.delete(waiter) };
  }

  /**
   * Resolves `true` on the next `wake()`, or `false` after `timeoutMs`, whichever comes first.
   * With `seenGeneration`, a wake that already happened after that generation counts too.
   */
  wait(timeoutMs: number, seenGeneration?: number): Promise<boolean> {
    if (seenGeneration !== undefined && seenGeneration !== this.wakes) return Promise.resolve(true);
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
