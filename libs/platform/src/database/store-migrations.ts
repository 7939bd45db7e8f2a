import { eventStoreMigrations } from '@app/eventstore';
import { inboxMigrations, parkedStreamsMigrations, waitingEventsMigrations } from '@app/messaging';
import { subscriptionsMigrations } from '@app/relay';

/**
 * The migrations of what the platform's libs keep in a service's schema, each laid by the lib that
 * uses it: the event table and snapshots (eventstore), the subscriptions (relay), the inbox, stream
 * checkpoints, parked streams and waiting events (messaging). List them before the service's own migrations.
 */
export const storeMigrations = (schema: string) => [
  ...eventStoreMigrations(schema),
  ...subscriptionsMigrations(schema),
  ...consumerMigrations(schema),
];

/**
 * The migrations of what a consumer keeps (all that Ops, which never records events, needs): the inbox,
 * stream checkpoints, parked streams and waiting events.
 */
export function consumerMigrations(schema: string) {
  return [...inboxMigrations(schema), ...parkedStreamsMigrations(schema), ...waitingEventsMigrations(schema)];
}
