import { addressUpdatedV1ToV2 } from './account.upcasters';

/** A pure function that turns one event's data from schema version `from` into version `to`. */
export interface Upcaster {
  producer: string;
  type: string;
  from: number;
  to: number;
  up(data: never): unknown;
}

/**
 * Every upcaster of every event. A new schema version of an event needs one from the version
 * before it; `checkUpcasterChains` (run at start and in CI) refuses gaps, cycles and forks.
 */
export const Upcasters: readonly Upcaster[] = [{ producer: 'account', type: 'AddressUpdated', from: 1, to: 2, up: addressUpdatedV1ToV2 }];
