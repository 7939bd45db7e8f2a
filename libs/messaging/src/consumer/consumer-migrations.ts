import { inboxMigrations } from './inbox.migration';
import { parkedStreamsMigrations } from './parked-streams.migration';
import { waitingEventsMigrations } from './waiting-events.migration';

/**
 * The migrations of what a consumer keeps (all that Ops, which never records events, needs): the inbox,
 * stream checkpoints, parked streams and waiting events.
 */
export function consumerMigrations(schema: string) {
  return [...inboxMigrations(schema), ...parkedStreamsMigrations(schema), ...waitingEventsMigrations(schema)];
}
