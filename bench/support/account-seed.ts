import { EventStore } from '@app/eventstore';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { accountAggregate } from '../../apps/account/src/accounts/account.aggregate';
import { AccountCommand } from '../../apps/account/src/accounts/domain/account.commands';
import { accountDecider } from '../../apps/account/src/accounts/domain/account.decider';
import { AccountEvent } from '../../apps/account/src/accounts/domain/account.events';

const metadata = { now: new Date().toISOString(), actor: 'bench-seed' };

/**
 * Writes an account's history straight into the service's event table: the account decider
 * decides every event (so the history is one the service could have written), and the event
 * store appends them in batches with their expected versions. Much faster than HTTP for 50,000 events.
 */
export async function seedAccount(databaseUrl: string, totalEvents: number, limit = 100_000_000): Promise<string> {
  const id = randomUUID();
  const streamId = accountAggregate.streamId(id);
  const dataSource = new DataSource({ type: 'postgres', url: databaseUrl, extra: { max: 2 } });
  await dataSource.initialize();
  const store = new EventStore('account');
  try {
    let state = accountDecider.initialState();
    let version = 0;
    let batch: AccountEvent[] = [];
    const flush = async () => {
      const events = batch.map((event) => ({ type: event.type, data: event.data, metadata: { actor: metadata.actor } }));
      await dataSource.transaction((manager) => store.append(manager, streamId, version, events));
      version += batch.length;
      batch = [];
    };
    for (let i = 0; i < totalEvents; i++) {
      const command: AccountCommand =
        i === 0
          ? {
              type: 'OpenAccount',
              data: {
                id,
                name: 'Long',
                lastName: 'Stream',
                country: 'DE',
                address: { street: 's', city: 'c', zip: 'z' },
                limit,
                currency: 'EUR',
              },
              metadata,
            }
          : { type: 'PurchaseItem', data: { id, transactionId: `seed-${i}`, amount: 1, currency: 'EUR' }, metadata };
      for (const event of accountDecider.decide(command, state)) {
        state = accountDecider.evolve(state, event);
        batch.push(event);
      }
      if (batch.length >= 1_000) await flush();
    }
    if (batch.length > 0) await flush();
    return id;
  } finally {
    await dataSource.destroy();
  }
}
