/**
 * Gathers the requests made within one turn of the event loop and settles them with one call of
 * `flush`, which answers one result per request, in order. The call starts after every request it
 * serves was made, so a batched read is never older than the request it answers. A flush that
 * throws fails every request of its batch.
 */
export class TickBatch<Request, Result> {
  private pending: { request: Request; resolve(result: Result): void; reject(error: unknown): void }[] = [];

  constructor(private readonly flush: (requests: Request[]) => Promise<Result[]>) {}

  run(request: Request): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => void this.settle());
      this.pending.push({ request, resolve, reject });
    });
  }

  private async settle(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const results = await this.flush(batch.map((entry) => entry.request));
      batch.forEach((entry, i) => entry.resolve(results[i]));
    } catch (error) {
      batch.forEach((entry) => entry.reject(error));
    }
  }
}
