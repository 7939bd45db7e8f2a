import { Upcaster } from './upcasters';

/** Each producer's event types and the schema versions each has. */
export type VersionCatalog = Record<string, Record<string, readonly number[]>>;

/**
 * The problems of an upcaster set against the schema versions, one line each (none: the chains are
 * sound). Every type's versions run 1, 2, … n, and from every version below n exactly one upcaster
 * leads one step up, so any stored version reaches n in a finite, unambiguous number of steps.
 */
export function checkUpcasterChains(catalog: VersionCatalog, upcasters: readonly Upcaster[]): string[] {
  const problems: string[] = [];
  for (const u of upcasters) {
    if (!catalog[u.producer]?.[u.type]) problems.push(`${u.producer} ${u.type}: an upcaster for a type with no schema`);
  }
  for (const [producer, types] of Object.entries(catalog)) {
    for (const [type, versions] of Object.entries(types)) {
      const name = `${producer} ${type}`;
      const latest = Math.max(...versions);
      versions.forEach((version, i) => {
        if (version !== i + 1) problems.push(`${name}: versions must run 1, 2, … without gaps, found ${versions.join(', ')}`);
      });
      const own = upcasters.filter((u) => u.producer === producer && u.type === type);
      for (let from = 1; from < latest; from++) {
        const steps = own.filter((u) => u.from === from);
        if (steps.length === 0) problems.push(`${name}: gap, no upcaster from v${from}`);
        if (steps.length > 1) problems.push(`${name}: ${steps.length} upcasters from v${from}, the chain must be one path`);
      }
      for (const u of own) {
        if (u.to <= u.from) problems.push(`${name}: cycle, the upcaster v${u.from} → v${u.to} goes back`);
        else if (u.to !== u.from + 1) problems.push(`${name}: the upcaster v${u.from} → v${u.to} skips a version`);
        else if (u.to > latest) problems.push(`${name}: the upcaster v${u.from} → v${u.to} leads past the newest schema v${latest}`);
      }
    }
  }
  return [...new Set(problems)];
}
