import { EventSchemas, currentSchemaVersion } from './event-schemas';
import { VersionCatalog, checkUpcasterChains } from './upcaster-chain';
import { Upcaster, Upcasters } from './upcasters';

/** An event's data brought to the version its producer writes today. */
export interface Upcast {
  schemaVersion: number;
  data: unknown;
}

/** The versions of every event of every producer, as the chain check wants them. */
export const versionCatalog = (): VersionCatalog =>
  Object.fromEntries(
    Object.entries(EventSchemas).map(([producer, types]) => [
      producer,
      Object.fromEntries(
        Object.entries(types).map(([type, versions]) => [
          type,
          Object.keys(versions)
            .map(Number)
            .sort((a, b) => a - b),
        ]),
      ),
    ]),
  );

/** Refuses to run with a broken upcaster chain: every service calls it at start. */
export function assertUpcasterChains(): void {
  const problems = checkUpcasterChains(versionCatalog(), Upcasters);
  if (problems.length > 0) throw new Error(`the event upcaster chains are broken: ${problems.join('; ')}`);
}

const stepKey = (producer: string, type: string, from: number) => `${producer}/${type}/${from}`;
const steps = new Map<string, Upcaster>(Upcasters.map((u) => [stepKey(u.producer, u.type, u.from), u]));

/**
 * Brings one event's data from the version it was stored at up to the current one, step by step.
 * The current version, or a newer one this code does not know, is returned as it is: whether a
 * newer one may be used is the caller's call (the event store and consumers refuse it).
 */
export function upcast(producer: string, type: string, schemaVersion: number, data: unknown): Upcast {
  const current = currentSchemaVersion(producer, type);
  let version = schemaVersion;
  let upcastData = data;
  while (version < current) {
    const step = steps.get(stepKey(producer, type, version));
    if (!step) throw new Error(`no upcaster for ${producer} ${type} v${version}`);
    upcastData = step.up(upcastData as never);
    version = step.to;
  }
  return { schemaVersion: version, data: upcastData };
}

/** Whether `upcast` would change anything: lets a hot path skip all work for current events. */
export const needsUpcast = (producer: string, type: string, schemaVersion: number): boolean =>
  schemaVersion < currentSchemaVersion(producer, type);
