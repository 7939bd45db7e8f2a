import { CatalogMatches } from './catalog';

type Named<T extends string> = { type: T };
type Fraud = Named<'FraudAssessed'>;

/** Type-level: `tsc --noEmit` (npm run typecheck, in CI) fails when an expectation below stops holding. */
describe('CatalogMatches', () => {
  it('accepts an event union whose wire names are exactly the catalogued ones', () => {
    const exact: CatalogMatches<'fraud', Fraud> = true;
    expect(exact).toBe(true);
  });

  it('rejects a union with a name the catalog lacks, or lacking a catalogued one', () => {
    // @ts-expect-error an uncatalogued wire name
    const extra: CatalogMatches<'fraud', Fraud | Named<'FraudReviewed'>> = true;
    // @ts-expect-error a catalogued name no event carries
    const missing: CatalogMatches<'merchant', Named<'MerchantOnboarded'>> = true;
    // @ts-expect-error a misspelt name
    const misspelt: CatalogMatches<'fraud', Named<'FraudAsessed'>> = true;
    expect([extra, missing, misspelt]).toEqual([true, true, true]);
  });
});
