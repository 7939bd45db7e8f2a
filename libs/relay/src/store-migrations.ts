import { eventStoreMigrations } from '@app/eventstore';
import { consumerMigrations } from '@app/messaging';
import { subscriptionsMigrations } from './subscriptions.migration';

/**
 * The migrations of what the platform's libs keep in a producer's schema, each laid by the lib that
 * uses it: the event table and snapshots (eventstore), the subscriptions (relay), the inbox, stream
 * checkpoints, parked streams and waiting events (messaging). List them before the service's own migrations.
 */
export const storeMigrations = (schema: string) => [
  ...eventStoreMigrations(schema),
  ...subscriptionsMigrations(schema),
  ...consumerMigrations(schema),
];
