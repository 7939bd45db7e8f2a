import { EventCatalog } from '../catalog';
import { EventSchemas } from './event-schemas';
import { publishedSchemas } from './published-schemas';
import { compareWithSnapshots, incompatibilities } from './schema-compatibility';
import { readSnapshots } from './schema-snapshots';
import { checkUpcasterChains } from './upcaster-chain';
import { Upcasters } from './upcasters';
import { versionCatalog } from './upcasting';

/**
 * The compatibility gate of CI: the committed `contracts/schemas/` are what consumers were
 * promised. Within a version only a backward-compatible change may happen, and it must be
 * committed (`npm run contracts:schemas`); anything else needs a new version with an upcaster.
 */
describe('published event schemas', () => {
  it('cover exactly the catalogued wire names of every producer', () => {
    for (const [producer, types] of Object.entries(EventCatalog)) {
      expect(Object.keys(EventSchemas[producer as keyof typeof EventSchemas]).sort()).toEqual([...types].sort());
    }
  });

  it('match the committed snapshots: nothing changed within a version, nothing uncommitted, no version dropped', () => {
    const verdicts = compareWithSnapshots(publishedSchemas(), readSnapshots());
    const explain = {
      breaking: 'a breaking change within a version: add a new version with an upcaster instead',
      removed: 'a published version was dropped: stored events must stay readable forever',
      new: 'not committed yet: run `npm run contracts:schemas` and commit contracts/schemas',
      compatible: 'a backward-compatible change not committed yet: run `npm run contracts:schemas` and commit contracts/schemas',
    };
    const failures = verdicts
      .filter((v) => v.verdict !== 'unchanged')
      .map((v) => `${v.file}: ${explain[v.verdict as keyof typeof explain]} ${v.problems.join('; ')}`.trim());
    expect(failures).toEqual([]);
  });

  it('every version after the first has its upcaster: a new version without one fails here', () => {
    expect(checkUpcasterChains(versionCatalog(), Upcasters)).toEqual([]);
  });
});

describe('incompatibilities within one version', () => {
  const v1 = {
    type: 'object',
    required: ['id', 'address'],
    properties: {
      id: { type: 'string' },
      address: { type: 'object', required: ['zip'], properties: { zip: { type: 'string' } } },
      note: { type: 'string' },
    },
  };
  const changed = (change: (schema: typeof v1 & Record<string, unknown>) => void) => {
    const next = structuredClone(v1) as typeof v1 & Record<string, unknown>;
    change(next);
    return incompatibilities(v1, next);
  };

  it('allows a new optional property, also nested, and changed descriptions', () => {
    expect(
      changed((s) => {
        Object.assign(s.properties, { country: { type: 'string' } });
        Object.assign(s.properties.address.properties, { city: { type: 'string' } });
        Object.assign(s.properties.id, { description: 'the account id' });
      }),
    ).toEqual([]);
  });

  it('refuses a removed property, a new required one, a changed type and an optional one made required', () => {
    expect(changed((s) => delete (s.properties as Partial<typeof v1.properties>).note)).toEqual(['/note: removed']);
    expect(
      changed((s) => {
        Object.assign(s.properties.address.properties, { city: { type: 'string' } });
        s.properties.address.required.push('city');
      }),
    ).toEqual(['/address/city: added as required']);
    expect(changed((s) => Object.assign(s.properties.id, { type: 'integer' }))).toEqual(['/id: changed']);
    expect(changed((s) => s.required.push('note'))).toEqual(['/note: required changed']);
  });

  it('refuses a tightened constraint', () => {
    expect(changed((s) => Object.assign(s.properties.id, { minLength: 3 }))).toEqual(['/id: changed']);
  });
});

describe('compareWithSnapshots', () => {
  const schema = { type: 'object', required: [], properties: {} };
  it('tells unchanged, compatible, breaking, new and removed apart', () => {
    const committed = new Map<string, unknown>([
      ['a/Same.v1.json', schema],
      ['a/Grown.v1.json', schema],
      ['a/Broken.v1.json', { ...schema, properties: { id: { type: 'string' } } }],
      ['a/Gone.v1.json', schema],
    ]);
    const generated = [
      { file: 'a/Same.v1.json', schema },
      { file: 'a/Grown.v1.json', schema: { ...schema, properties: { extra: { type: 'string' } } } },
      { file: 'a/Broken.v1.json', schema },
      { file: 'a/Broken.v2.json', schema },
    ];
    expect(compareWithSnapshots(generated, committed).map((v) => [v.file, v.verdict])).toEqual([
      ['a/Same.v1.json', 'unchanged'],
      ['a/Grown.v1.json', 'compatible'],
      ['a/Broken.v1.json', 'breaking'],
      ['a/Broken.v2.json', 'new'],
      ['a/Gone.v1.json', 'removed'],
    ]);
  });
});
