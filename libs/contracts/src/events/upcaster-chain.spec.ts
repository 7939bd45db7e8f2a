import { Upcaster, Upcasters } from './upcasters';
import { checkUpcasterChains } from './upcaster-chain';
import { versionCatalog } from './upcasting';

const step = (type: string, from: number, to: number): Upcaster => ({ producer: 'shop', type, from, to, up: (data: never) => data });
const given = (versions: Record<string, number[]>, upcasters: Upcaster[]) => ({
  then: (expected: string[]) => expect(checkUpcasterChains({ shop: versions }, upcasters)).toEqual(expected),
});

describe('checkUpcasterChains', () => {
  it('accepts the platform’s own chains (checked at every service start too)', () => {
    expect(checkUpcasterChains(versionCatalog(), Upcasters)).toEqual([]);
  });

  it('accepts a type at v1 only, and a full chain v1 → v2 → v3', () =>
    given({ Opened: [1], Moved: [1, 2, 3] }, [step('Moved', 1, 2), step('Moved', 2, 3)]).then([]));

  it('refuses a new version without an upcaster (a gap)', () =>
    given({ Moved: [1, 2, 3] }, [step('Moved', 1, 2)]).then(['shop Moved: gap, no upcaster from v2']));

  it('refuses a gap in the schema versions themselves', () =>
    given({ Moved: [1, 3] }, [step('Moved', 1, 2)]).then([
      'shop Moved: versions must run 1, 2, … without gaps, found 1, 3',
      'shop Moved: gap, no upcaster from v2',
    ]));

  it('refuses a cycle: an upcaster that leads back', () =>
    given({ Moved: [1, 2] }, [step('Moved', 1, 2), step('Moved', 2, 1)]).then(['shop Moved: cycle, the upcaster v2 → v1 goes back']));

  it('refuses an upcaster onto its own version (the shortest cycle)', () =>
    given({ Moved: [1, 2] }, [step('Moved', 1, 1)]).then(['shop Moved: cycle, the upcaster v1 → v1 goes back']));

  it('refuses two paths from one version, one that skips a version, and one past the newest schema', () =>
    given({ Moved: [1, 2, 3] }, [step('Moved', 1, 2), step('Moved', 1, 3), step('Moved', 2, 3), step('Moved', 3, 4)]).then([
      'shop Moved: 2 upcasters from v1, the chain must be one path',
      'shop Moved: the upcaster v1 → v3 skips a version',
      'shop Moved: the upcaster v3 → v4 leads past the newest schema v3',
    ]));

  it('refuses an upcaster for a type with no schema', () =>
    given({ Moved: [1] }, [step('Vanished', 1, 2)]).then(['shop Vanished: an upcaster for a type with no schema']));
});
