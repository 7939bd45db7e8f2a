/**
 * The body of `POST /accounts` for an account Account accepts: a spec overrides only the fields it
 * is about (its limit, its country), so the rest of an application is written once.
 */
export const accountApplication = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'Ada',
  lastName: 'Lovelace',
  country: 'GB',
  address: { street: '1 Analytical St', city: 'London', zip: 'N1' },
  limit: 1_000,
  currency: 'EUR',
  ...overrides,
});
