import { deciderSpec } from '@app/decider-spec';
import { command, limitUpdated, locked, opened, purchase, purchased, refunded, unlocked } from './account.fixtures';
import { accountDecider } from './account.decider';
import { RECENT_PURCHASES, findPurchase } from './purchase-ledger';

const spec = deciderSpec(accountDecider);
const refund = (transactionId: string) => command('RefundPurchase', { transactionId });

describe('account decider: purchases', () => {
  it('charges a purchase and records the balance it leaves', () =>
    spec
      .given([opened(700)])
      .when(purchase('t1', 500))
      .then([purchased('t1', 500, 200)]));
  it('carries the merchant and the reference', () =>
    spec
      .given([opened()])
      .when(purchase('t1', 5, { merchantId: 'm-1', reference: 'order 7' }))
      .then([purchased('t1', 5, 995, { merchantId: 'm-1', reference: 'order 7' })]));
  it('allows spending the balance exactly', () =>
    spec
      .given([opened(700)])
      .when(purchase('t1', 700))
      .then([purchased('t1', 700, 0)]));
  it('refuses a purchase above the balance (the seed: 700, then 500, then 700)', () =>
    spec
      .given([opened(700), purchased('t1', 500, 200)])
      .when(purchase('t2', 700))
      .thenThrows('INSUFFICIENT_FUNDS'));
  it('counts a raised limit as funds', () =>
    spec
      .given([opened(700), purchased('t1', 500, 200), limitUpdated(1_200, 700)])
      .when(purchase('t2', 700))
      .then([purchased('t2', 700, 0)]));
  it('refuses a purchase on a locked account', () =>
    spec
      .given([opened(), ...locked])
      .when(purchase('t1', 1))
      .thenThrows('ACCOUNT_LOCKED'));
  it('refuses a purchase after unlocking until the limit is set again', () =>
    spec
      .given([opened(), ...locked, unlocked])
      .when(purchase('t1', 1))
      .thenThrows('INSUFFICIENT_FUNDS'));
  it('refuses a purchase in another currency', () =>
    spec
      .given([opened()])
      .when(purchase('t1', 5, { currency: 'USD' }))
      .thenThrows('CURRENCY_MISMATCH'));
  it('refuses a zero or negative amount', () => {
    spec.given([opened()]).when(purchase('t1', 0)).thenThrows('AMOUNT_NOT_POSITIVE');
    spec.given([opened()]).when(purchase('t1', -5)).thenThrows('AMOUNT_NOT_POSITIVE');
  });
  it('refuses a fractional, huge or non-finite amount', () => {
    spec.given([opened()]).when(purchase('t1', 1.5)).thenThrows('AMOUNT_NOT_INTEGER');
    spec
      .given([opened()])
      .when(purchase('t1', 2 ** 60))
      .thenThrows('AMOUNT_NOT_INTEGER');
    spec.given([opened()]).when(purchase('t1', Number.NaN)).thenThrows('AMOUNT_NOT_INTEGER');
  });
  it('refuses a purchase on an unknown account', () => spec.given([]).when(purchase('t1', 5)).thenThrows('ACCOUNT_NOT_FOUND'));

  it('keeps the first answer of a retried transactionId while the balance moves on', () =>
    spec
      .given([opened(700), purchased('t1', 500, 200), purchased('t2', 100, 100)])
      .when(purchase('t1', 500))
      .thenState((state) => {
        expect(state.balance).toBe(100);
        expect(findPurchase(state.purchases, 't1')).toEqual({ transactionId: 't1', amount: 500, balanceAfter: 200 });
      }));
  it('records nothing for a retried transactionId', () =>
    spec
      .given([opened(700), purchased('t1', 500, 200), purchased('t2', 100, 100)])
      .when(purchase('t1', 500))
      .then([]));
  it('answers a retry even after the account was locked', () =>
    spec
      .given([opened(700), purchased('t1', 500, 200), ...locked])
      .when(purchase('t1', 500))
      .then([]));
  it('refuses a transactionId reused for another amount', () =>
    spec
      .given([opened(), purchased('t1', 500, 500)])
      .when(purchase('t1', 400))
      .thenThrows('TRANSACTION_ID_REUSED'));
  it('treats ids such as "constructor" as ordinary transaction ids', () =>
    spec
      .given([opened()])
      .when(purchase('constructor', 5))
      .then([purchased('constructor', 5, 995)]));
});

describe('account decider: refunds', () => {
  it('refunds a purchase whole and gives the funds back', () =>
    spec
      .given([opened(700), purchased('t1', 500, 200)])
      .when(refund('t1'))
      .then([refunded('t1', 500, 700)]));
  it('refunds on a locked account, against its zeroed limit', () =>
    spec
      .given([opened(), purchased('t1', 400, 600), ...locked])
      .when(refund('t1'))
      .then([refunded('t1', 400, 0)]));
  it('refuses to refund twice', () =>
    spec
      .given([opened(700), purchased('t1', 500, 200), refunded('t1', 500, 700)])
      .when(refund('t1'))
      .thenThrows('PURCHASE_ALREADY_REFUNDED'));
  it('refuses to refund an unknown transaction', () => spec.given([opened()]).when(refund('nope')).thenThrows('TRANSACTION_NOT_FOUND'));
  it('refuses to refund on an unknown account', () => spec.given([]).when(refund('t1')).thenThrows('ACCOUNT_NOT_FOUND'));
  it('still answers a purchase retry with the first balance after a refund', () =>
    spec
      .given([opened(700), purchased('t1', 500, 200), refunded('t1', 500, 700)])
      .when(purchase('t1', 500))
      .then([]));
  it('lets the refunded funds be spent again', () =>
    spec
      .given([opened(700), purchased('t1', 500, 200), refunded('t1', 500, 700)])
      .when(purchase('t2', 700))
      .then([purchased('t2', 700, 0)]));
});

describe('account decider: purchases older than the state remembers', () => {
  // RECENT_PURCHASES + 1 purchases of 1 push t0 out of the state's window.
  const history = [opened(10_000), ...Array.from({ length: RECENT_PURCHASES + 1 }, (_, i) => purchased(`t${i}`, 1, 9_999 - i))];
  const recordedT0 = { transactionId: 't0', amount: 1, balanceAfter: 9_999 };
  const withRecord = (base: ReturnType<typeof purchase>, recorded: typeof recordedT0) =>
    ({ ...base, data: { ...base.data, recorded } }) as typeof base;

  it('forgets the oldest purchase once the window is full', () =>
    spec
      .given(history)
      .when(purchase('t0', 1))
      .then([purchased('t0', 1, 10_000 - RECENT_PURCHASES - 2)]));
  it('decides nothing for a retry that brings its stored record', () =>
    spec
      .given(history)
      .when(withRecord(purchase('t0', 1), recordedT0))
      .then([]));
  it('refuses a stored transactionId reused for another amount', () =>
    spec
      .given(history)
      .when(withRecord(purchase('t0', 2), recordedT0))
      .thenThrows('TRANSACTION_ID_REUSED'));
  it('refunds a stored purchase, and then refuses to refund it again', () => {
    const refundT0 = withRecord(refund('t0'), recordedT0);
    spec
      .given(history)
      .when(refundT0)
      .then([refunded('t0', 1, 10_000 - RECENT_PURCHASES)]);
    spec
      .given([...history, refunded('t0', 1, 10_000 - RECENT_PURCHASES)])
      .when(refundT0)
      .thenThrows('PURCHASE_ALREADY_REFUNDED');
  });
});
