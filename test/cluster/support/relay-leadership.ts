import { Replica } from './cluster-platform';

/** The replica whose relay is the active one for `producer`, read from its `relay_is_leader` gauge. */
export async function relayLeader(replicas: Replica[], producer: string): Promise<Replica | undefined> {
  for (const replica of replicas) {
    const metrics = await fetch(`${replica.url}/metrics`)
      .then((r) => r.text())
      .catch(() => '');
    if (new RegExp(`^relay_is_leader\\{producer="${producer}"\\} 1$`, 'm').test(metrics)) return replica;
  }
  return undefined;
}
