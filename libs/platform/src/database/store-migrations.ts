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
  ...inboxMigrations(schema),
  ...parkedStreamsMigrations(schema),
  ...waitingEventsMigrations(schema),
];

/**
 * The migrations of a service that consumes but never records events (Ops): the inbox, stream
 * checkpoints and parked streams its consumers keep, and no event table, snapshots or subscriptions.
 */
export const consumerMigrations = (schema: string) => [...inboxMigrations(schema), ...parkedStreamsMigrations(schema)];
