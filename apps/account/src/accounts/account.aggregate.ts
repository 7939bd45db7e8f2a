import { defineSettings, integer, readSettings } from '@app/config';
import { AggregateOf, SnapshotPolicy, defineAggregate } from '@app/eventstore';
import { AccountPolicy, AccountState, DEFAULT_MAX_LIMIT, createAccountDecider } from './domain/account.decider';
import { initialAccountState } from './domain/account.state';
import { ledgerFromSnapshot } from './domain/purchase-ledger';

/**
 * A cold load (a restart, another instance's first command, an evicted cache entry) reads the
 * latest snapshot plus at most this many events. Warm commands never read snapshots; every append
 * is still checked against the stream version, so a stale snapshot or cache costs a retry only.
 */
export const SNAPSHOT_EVERY = 500;

// Fields added to the state later get their defaults when an older snapshot is read.
export const accountSnapshots: SnapshotPolicy<AccountState> = {
  every: SNAPSHOT_EVERY,
  serialize: (state) => state,
  deserialize: (json) => {
    const state = { ...initialAccountState(), ...(json as Partial<AccountState>) };
    return { ...state, purchases: ledgerFromSnapshot(state.purchases) };
  },
};

/** Account's own setting: the highest limit an account may have. */
export const accountSettings = defineSettings('account policy', {
  ACCOUNT_MAX_LIMIT: integer('the highest limit, in minor units (above it: 422 `LIMIT_EXCEEDED`)', { default: DEFAULT_MAX_LIMIT, min: 1 }),
});

/** The account policy from the environment: ACCOUNT_MAX_LIMIT (minor units, default 100,000,000). */
export const accountPolicyFromEnv = (env: NodeJS.ProcessEnv = process.env): AccountPolicy => ({
  maxLimit: readSettings(accountSettings, env).ACCOUNT_MAX_LIMIT,
});

/** The account aggregate: stream `account-<id>`, its policy read from the environment at start. */
export const accountAggregate = defineAggregate({
  name: 'account',
  decider: () => createAccountDecider(accountPolicyFromEnv()),
  streamId: (id: string) => `account-${id}`,
  snapshots: accountSnapshots,
});

/** The account's write path, injected with `@InjectAggregate(accountAggregate)`. */
export type AccountAggregate = AggregateOf<typeof accountAggregate>;
