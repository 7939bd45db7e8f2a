import { RecordedEvent, toRecordedEvent } from '@app/eventstore';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Pages through one account's stream for `GET /accounts/:id/events`; a long stream is never read whole. */
@Injectable()
export class AccountHistory {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async page(streamId: string, afterVersion: number, limit: number): Promise<RecordedEvent[]> {
    const rows = await this.dataSource.query(
      `SELECT global_position, event_id, stream_id, stream_version, type, schema_version, data, metadata, recorded_at
         FROM account.events WHERE stream_id = $1 AND stream_version > $2 ORDER BY stream_version LIMIT $3`,
      [streamId, afterVersion, limit],
    );
    return rows.map(toRecordedEvent);
  }

  async exists(streamId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM account.events WHERE stream_id = $1 LIMIT 1`, [streamId]);
    return rows.length > 0;
  }
}
