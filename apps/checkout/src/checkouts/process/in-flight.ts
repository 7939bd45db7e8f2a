/**
 * At most one running task per key in this process: a caller arriving while the task runs gets
 * the same promise instead of starting a second one.
 */
export class InFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string, task: () => Promise<T>): Promise<T> {
    const existing = this.running.get(key);
    if (existing) return existing;
    const started = task().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }
}
