import { needsUpcast, upcast } from '@app/contracts';
import { OutboxRow } from './subscription-store';

/**
 * A stored event at the schema version its producer writes today, so a consumer gets the current
 * shape only, however old the event. Current events (all but a few) cost one map lookup: only an
 * older one's data is parsed and written again.
 */
export function upcastOutboxRow(producer: string, row: OutboxRow): OutboxRow {
  if (!needsUpcast(producer, row.type, row.schema_version)) return row;
  const { schemaVersion, data } = upcast(producer, row.type, row.schema_version, JSON.parse(row.data));
  return { ...row, schema_version: schemaVersion, data: JSON.stringify(data) };
}
