import { Client } from 'pg';
import { Replica } from './cluster-platform';

/** The replica whose relay is the active one for `producer`, read from its `relay_is_leader` gauge. */
export async function relayLeader(replicas: Replica[], producer: string): Promise<Replica | undefined> {
  for (const replica of replicas) {
    const metrics = await fetch(`${replica.url}/metrics`).then((r) => r.text()).catch(() => '');
    if (new RegExp(`^relay_is_leader\\{producer="${producer}"\\} 1$`, 'm').test(metrics)) return replica;
  }
  return undefined;
}

/**
 * Per consumer queue of `producer`: the events the subscription selects, against the consumer's
 * inbox. `missing` is a gap (an event the cursor passed but the consumer never applied); the
 * inbox's primary key makes a second application impossible, so `applied` equal to `expected`
 * means each applied once.
 */
export async function deliveriesPastTheInbox(databaseUrl: string, producer: string) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: subscriptions } = await client.query<{ name: string; event_types: string[] | null }>(
      `SELECT name, event_types FROM "${producer}".subscriptions`,
    );
    const result: { queue: string; expected: number; applied: number; missing: number }[] = [];
    for (const { name, event_types } of subscriptions) {
      const consumer = name.split('.')[0];
      const { rows: [counts] } = await client.query<{ expected: string; applied: string }>(
        `SELECT count(*)::text AS expected, count(i.message_id)::text AS applied
           FROM "${producer}".events e
           LEFT JOIN "${consumer}".inbox i ON i.queue = $1 AND i.message_id = e.event_id::text
          WHERE $2::text[] IS NULL OR e.type = ANY($2::text[])`,
        [name, event_types],
      );
      result.push({
        queue: name,
        expected: Number(counts.expected),
        applied: Number(counts.applied),
        missing: Number(counts.expected) - Number(counts.applied),
      });
    }
    return result;
  } finally {
    await client.end();
  }
}
