import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Windows are at most an hour long (RequestLimitDto); older counts are dropped this often. */
const PRUNE_EVERY_MS = 60_000;

/**
 * Counts each merchant key's requests per window in PostgreSQL, so every instance counts against
 * the same quota: one upsert per request, atomic on the row, answering the count with this one.
 */
@Injectable()
export class RequestCounter implements OnModuleInit, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async count(keyId: string, windowStartMs: number): Promise<number> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO checkout.request_counts AS c (key_id, window_start, count) VALUES ($1, to_timestamp($2::double precision / 1000), 1)
       ON CONFLICT (key_id, window_start) DO UPDATE SET count = c.count + 1
       RETURNING count`,
      [keyId, windowStartMs],
    )) as { count: number }[];
    return row.count;
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.prune().catch(() => undefined), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async prune(): Promise<void> {
    await this.dataSource.query(`DELETE FROM checkout.request_counts WHERE window_start < now() - interval '2 hours'`);
  }
}
