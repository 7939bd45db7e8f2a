import { upcast } from '@app/contracts';
import { deciderSpec } from '@app/decider-spec';
import { AccountEvent } from './account.events';
import { address, command, id, limitUpdated, locked, opened, unlocked, vipGranted } from './account.fixtures';
import { DEFAULT_MAX_LIMIT, MAX_PHONE_NUMBERS, accountDecider, createAccountDecider } from './account.decider';

const spec = deciderSpec(accountDecider);
const updateLimit = (newLimit: number) => command('UpdateLimit', { newLimit });

describe('account decider: opening and the limit', () => {
  it('opens an account', () => spec.given([]).when(command('OpenAccount', opened().data)).then([opened()]));
  it('refuses to open the same account twice', () =>
    spec.given([opened()]).when(command('OpenAccount', opened().data)).thenThrows('ACCOUNT_EXISTS'));
  it('refuses to open an account above the maximum limit', () =>
    spec
      .given([])
      .when(command('OpenAccount', opened(DEFAULT_MAX_LIMIT + 1).data))
      .thenThrows('LIMIT_EXCEEDED'));
  it('starts active, not VIP, with the limit as balance and its phone number', () =>
    spec
      .given([])
      .when(command('OpenAccount', opened(700, { phoneNumber: '+44 20 1234' }).data))
      .thenState((state) =>
        expect(state).toMatchObject({ status: 'active', vip: false, limit: 700, balance: 700, phoneNumbers: ['+44 20 1234'] }),
      ));

  it('updates the limit with the old one', () =>
    spec
      .given([opened()])
      .when(updateLimit(700))
      .then([limitUpdated(700, 1_000)]));
  it('decides nothing when the limit is unchanged', () => spec.given([opened()]).when(updateLimit(1_000)).then([]));
  it('accepts exactly the maximum', () =>
    spec
      .given([opened()])
      .when(updateLimit(DEFAULT_MAX_LIMIT))
      .then([limitUpdated(DEFAULT_MAX_LIMIT, 1_000)]));
  it('refuses a limit above the maximum', () =>
    spec
      .given([opened()])
      .when(updateLimit(DEFAULT_MAX_LIMIT + 1))
      .thenThrows('LIMIT_EXCEEDED'));
  it('takes its maximum from the policy', () =>
    deciderSpec(createAccountDecider({ maxLimit: 5_000 }))
      .given([opened()])
      .when(updateLimit(5_001))
      .thenThrows('LIMIT_EXCEEDED'));
  it('refuses a negative or fractional limit', () => {
    spec.given([opened()]).when(updateLimit(-1)).thenThrows('INVALID_LIMIT');
    spec.given([opened()]).when(updateLimit(10.5)).thenThrows('INVALID_LIMIT');
  });
  it('refuses to update an account that does not exist', () => spec.given([]).when(updateLimit(5)).thenThrows('ACCOUNT_NOT_FOUND'));
  it('refuses a limit change while locked', () =>
    spec
      .given([opened(), ...locked])
      .when(updateLimit(500))
      .thenThrows('ACCOUNT_LOCKED'));
  it('moves the balance by the difference of the limits', () =>
    spec
      .given([opened()])
      .when(updateLimit(300))
      .thenState((state) => expect(state).toMatchObject({ limit: 300, balance: 300 })));
});

describe('account decider: address and phone numbers', () => {
  const moved = { street: '2 Difference Rd', city: 'Cambridge', zip: 'CB1' };
  const postal = ({ zip, ...rest }: typeof address, country: string | null = 'GB') => ({ ...rest, postalCode: zip, country });
  /** AddressUpdated as stored before v2, read through the upcaster chain as the event store does. */
  const storedV1 = (to: typeof address, from: typeof address): AccountEvent =>
    ({
      type: 'AddressUpdated',
      data: upcast('account', 'AddressUpdated', 1, { id, address: to, previousAddress: from }).data,
    }) as AccountEvent;

  it('updates the address with the previous one, in the account’s country when none is given (v2)', () =>
    spec
      .given([opened()])
      .when(command('UpdateAddress', { address: moved }))
      .then([{ type: 'AddressUpdated', data: { id, address: postal(moved), previousAddress: postal(address) } }]));
  it('moves the address to another country', () =>
    spec
      .given([opened()])
      .when(command('UpdateAddress', { address: { ...moved, country: 'fr' } }))
      .then([{ type: 'AddressUpdated', data: { id, address: postal(moved, 'FR'), previousAddress: postal(address) } }]));
  it('decides nothing for the same address', () =>
    spec
      .given([opened()])
      .when(command('UpdateAddress', { address: { ...address } }))
      .then([]));
  it('decides nothing for the same address in the same country, given explicitly', () =>
    spec
      .given([opened()])
      .when(command('UpdateAddress', { address: { ...address, country: 'GB' } }))
      .then([]));
  it('updates the address of a locked account', () =>
    spec
      .given([opened(), ...locked])
      .when(command('UpdateAddress', { address: moved }))
      .thenState((state) => expect(state.address).toEqual({ ...moved, country: 'GB' })));
  it('rebuilds from a stored v1 AddressUpdated: the address it names, in the account’s country', () =>
    spec
      .given([opened(), storedV1(moved, address)])
      .when(command('UpdateAddress', { address: { ...address, country: 'FR' } }))
      .then([{ type: 'AddressUpdated', data: { id, address: postal(address, 'FR'), previousAddress: postal(moved) } }]));
  it('decides nothing for the address a stored v1 event moved to', () =>
    spec
      .given([opened(), storedV1(moved, address)])
      .when(command('UpdateAddress', { address: moved }))
      .then([]));
  it('refuses an unknown account', () =>
    spec
      .given([])
      .when(command('UpdateAddress', { address: moved }))
      .thenThrows('ACCOUNT_NOT_FOUND'));

  it('adds a phone number', () =>
    spec
      .given([opened()])
      .when(command('AddPhoneNumber', { phoneNumber: '+44 1' }))
      .then([{ type: 'PhoneNumberAdded', data: { id, phoneNumber: '+44 1' } }]));
  it('decides nothing for a number it already has', () =>
    spec
      .given([opened(1_000, { phoneNumber: '+44 1' })])
      .when(command('AddPhoneNumber', { phoneNumber: '+44 1' }))
      .then([]));
  it(`refuses more than ${MAX_PHONE_NUMBERS} numbers`, () => {
    const numbers = Array.from({ length: MAX_PHONE_NUMBERS }, (_, i) => ({
      type: 'PhoneNumberAdded' as const,
      data: { id, phoneNumber: `+1 ${i}` },
    }));
    spec
      .given([opened(), ...numbers])
      .when(command('AddPhoneNumber', { phoneNumber: '+1 99' }))
      .thenThrows('TOO_MANY_PHONE_NUMBERS');
  });
});

describe('account decider: lock, unlock and VIP', () => {
  const lock = command('LockAccount');
  it('zeroes the limit, then locks', () => spec.given([opened()]).when(lock).then(locked));
  it('revokes VIP status when locking a VIP account', () =>
    spec
      .given([opened(), vipGranted])
      .when(lock)
      .then([...locked, { type: 'VipStatusRevoked', data: { id } }]));
  it('records no limit change when the limit is already 0', () =>
    spec
      .given([opened(0)])
      .when(lock)
      .then([locked[1]]));
  it('decides nothing when already locked', () =>
    spec
      .given([opened(), ...locked])
      .when(lock)
      .then([]));
  it('drops the balance with the limit, below zero when purchases are open', () =>
    spec
      .given([opened(), { type: 'ItemPurchased', data: { id, transactionId: 't1', amount: 400, currency: 'EUR', balanceAfter: 600 } }])
      .when(lock)
      .thenState((state) => expect(state).toMatchObject({ status: 'locked', limit: 0, balance: -400, vip: false })));
  it('refuses to lock an unknown account', () => spec.given([]).when(lock).thenThrows('ACCOUNT_NOT_FOUND'));

  it('unlocks, leaving the limit at 0', () =>
    spec
      .given([opened(), ...locked])
      .when(command('UnlockAccount'))
      .thenState((state) => expect(state).toMatchObject({ status: 'active', limit: 0 })));
  it('records the status change on unlock', () =>
    spec
      .given([opened(), ...locked])
      .when(command('UnlockAccount'))
      .then([unlocked]));
  it('decides nothing when unlocking an active account', () => spec.given([opened()]).when(command('UnlockAccount')).then([]));

  it('grants VIP status to an active account', () => spec.given([opened()]).when(command('GrantVipStatus')).then([vipGranted]));
  it('decides nothing when already VIP', () => spec.given([opened(), vipGranted]).when(command('GrantVipStatus')).then([]));
  it('refuses VIP to a locked account', () =>
    spec
      .given([opened(), ...locked])
      .when(command('GrantVipStatus'))
      .thenThrows('ACCOUNT_LOCKED'));
  it('does not give VIP back on unlock', () =>
    spec
      .given([opened(), vipGranted, ...locked, { type: 'VipStatusRevoked', data: { id } }])
      .when(command('UnlockAccount'))
      .thenState((state) => expect(state.vip).toBe(false)));
});
