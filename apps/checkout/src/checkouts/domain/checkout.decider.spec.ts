import { fold } from '@app/domain';
import { deciderSpec } from '@app/decider-spec';
import { CheckoutCommand, ScreeningFacts } from './checkout.commands';
import { CheckoutEvent, CheckoutRequest } from './checkout.events';
import { CheckoutState, checkoutDecider, nextStep, passesScreening } from './checkout.decider';

const spec = deciderSpec(checkoutDecider);
const metadata = { now: '2026-01-01T00:00:00.000Z', actor: 'spec' };
const checkoutId = '0b6b1f4c-2d7c-5a55-9a43-000000000001';
const accountId = '5b1f0f7e-2d7c-4a55-9a43-000000000001';
const merchantId = '7c2e1a90-2d7c-4a55-9a43-000000000002';
const request: CheckoutRequest = {
  accountId,
  merchantId,
  items: [
    { sku: 'book', quantity: 2, unitPrice: 1_250 },
    { sku: 'pen', quantity: 1, unitPrice: 500 },
  ],
  currency: 'EUR',
};
const total = 3_000;
const command = <T extends CheckoutCommand['type']>(type: T, data: Extract<CheckoutCommand, { type: T }>['data']) =>
  ({ type, data, metadata }) as CheckoutCommand;

const started: CheckoutEvent = { type: 'CheckoutStarted', data: { checkoutId, ...request, total, idempotencyKey: 'key-1' } };
const authorised: CheckoutEvent = { type: 'PaymentAuthorised', data: { checkoutId, authorisationId: 'auth-1', assessmentId: 'as-1' } };
const charged: CheckoutEvent = {
  type: 'AccountCharged',
  data: { checkoutId, accountId, transactionId: checkoutId, amount: total, currency: 'EUR', balanceAfter: 7_000 },
};
const captureFailed: CheckoutEvent = {
  type: 'PaymentCaptureFailed',
  data: { checkoutId, authorisationId: 'auth-1', reason: 'PROVIDER_ERROR' },
};
const captured: CheckoutEvent = { type: 'PaymentCaptured', data: { checkoutId, authorisationId: 'auth-1' } };
const completed: CheckoutEvent = { type: 'CheckoutCompleted', data: { checkoutId, accountId, merchantId, total, currency: 'EUR' } };
const rejected = (reason: string, extra: object = {}): CheckoutEvent =>
  ({ type: 'CheckoutRejected', data: { checkoutId, accountId, merchantId, total, currency: 'EUR', reason, ...extra } }) as CheckoutEvent;

const start = (overrides: Partial<CheckoutRequest> = {}) =>
  command('StartCheckout', { checkoutId, idempotencyKey: 'key-1', request: { ...request, ...overrides } });
const clean: ScreeningFacts = {
  buyer: { found: true, status: 'active', balance: 10_000, currency: 'EUR' },
  merchant: { found: true, status: 'active' },
  assessment: { assessmentId: 'as-1', decision: 'approve', reasons: [] },
};
const screenWith = (facts: Partial<ScreeningFacts>) => command('ScreenCheckout', { ...clean, ...facts });
const stateAfter = (events: CheckoutEvent[]): CheckoutState => fold(checkoutDecider, events);

describe('checkout decider', () => {
  describe('starting', () => {
    it('starts with the total of quantity × unitPrice', () => spec.given([]).when(start()).then([started]));
    it('treats the same request again as a retry and decides nothing', () => spec.given([started]).when(start()).then([]));
    it('refuses the same key with a different body', () =>
      spec
        .given([started])
        .when(start({ items: [{ sku: 'book', quantity: 3, unitPrice: 1_250 }] }))
        .thenThrows('IDEMPOTENCY_KEY_REUSED'));
    it('refuses a checkout without items', () =>
      spec
        .given([])
        .when(start({ items: [] }))
        .thenThrows('NO_ITEMS'));
    it('refuses a fractional quantity', () =>
      spec
        .given([])
        .when(start({ items: [{ sku: 'x', quantity: 1.5, unitPrice: 1 }] }))
        .thenThrows('INVALID_QUANTITY'));
    it('refuses a unit price that could overflow the total', () =>
      spec
        .given([])
        .when(start({ items: [{ sku: 'x', quantity: 1, unitPrice: 1e16 }] }))
        .thenThrows('INVALID_UNIT_PRICE'));
    it('refuses a checkout with nothing to pay', () =>
      spec
        .given([])
        .when(start({ items: [{ sku: 'free', quantity: 1, unitPrice: 0 }] }))
        .thenThrows('NOTHING_TO_PAY'));
    it('refuses a malformed currency', () =>
      spec
        .given([])
        .when(start({ currency: 'eur' }))
        .thenThrows('INVALID_CURRENCY'));
    it('refuses a step report for a checkout never started', () =>
      spec
        .given([])
        .when(command('RecordAuthorisation', { authorisationId: 'a' }))
        .thenThrows('CHECKOUT_NOT_FOUND'));
  });

  describe('screening', () => {
    it('decides nothing when everyone agrees, so the process goes on to authorise', () =>
      spec.given([started]).when(screenWith({})).then([]));
    it.each([
      ['everyone agrees', {}, true],
      ['the account is missing', { buyer: { found: false } }, false],
      ['the funds fall short', { buyer: { found: true, status: 'active', balance: total - 1, currency: 'EUR' } }, false],
      ['Fraud wants a review', { assessment: { decision: 'review', reasons: [] } }, false],
    ] as [string, Partial<ScreeningFacts>, boolean][])('passes exactly when ScreenCheckout records nothing: %s', (_, facts, passes) => {
      expect(passesScreening(stateAfter([started]), { ...clean, ...facts })).toBe(passes);
      expect(checkoutDecider.decide(screenWith(facts), stateAfter([started])).length === 0).toBe(passes);
    });
    it.each([
      ['ACCOUNT_NOT_FOUND', { buyer: { found: false } }],
      ['ACCOUNT_LOCKED', { buyer: { found: true, status: 'locked', balance: 0, currency: 'EUR' } }],
      ['CURRENCY_MISMATCH', { buyer: { found: true, status: 'active', balance: 10_000, currency: 'USD' } }],
      ['MERCHANT_NOT_FOUND', { merchant: { found: false } }],
      ['MERCHANT_SUSPENDED', { merchant: { found: true, status: 'suspended' } }],
      ['INSUFFICIENT_FUNDS', { buyer: { found: true, status: 'active', balance: total - 1, currency: 'EUR' } }],
    ] as [string, Partial<ScreeningFacts>][])('rejects with %s', (reason, facts) =>
      spec
        .given([started])
        .when(screenWith(facts))
        .then([rejected(reason, reason === 'CURRENCY_MISMATCH' ? { details: ['The account is kept in USD'] } : {})]),
    );
    it('rejects on a fraud rejection and keeps Fraud’s reasons', () =>
      spec
        .given([started])
        .when(screenWith({ assessment: { decision: 'reject', reasons: ['VELOCITY'] } }))
        .then([rejected('FRAUD_REJECTED', { details: ['VELOCITY'] })]));
    it('names a lock Fraud learned of before Account’s read model showed it', () =>
      spec
        .given([started])
        .when(screenWith({ assessment: { decision: 'reject', reasons: ['ACCOUNT_LOCKED'] } }))
        .then([rejected('ACCOUNT_LOCKED')]));
    it('rejects a checkout Fraud wants reviewed', () =>
      spec
        .given([started])
        .when(screenWith({ assessment: { decision: 'review', reasons: [] } }))
        .then([rejected('FRAUD_REVIEW')]));
    it('names the account lock rather than Fraud’s rejection of it', () =>
      spec
        .given([started])
        .when(
          screenWith({
            buyer: { found: true, status: 'locked', balance: 0, currency: 'EUR' },
            assessment: { decision: 'reject', reasons: ['ACCOUNT_LOCKED'] },
          }),
        )
        .then([rejected('ACCOUNT_LOCKED')]));
    it('ignores a late screening of a checkout already authorised', () =>
      spec
        .given([started, authorised])
        .when(screenWith({ buyer: { found: false } }))
        .then([]));
  });

  describe('paying', () => {
    it('records the authorisation', () =>
      spec
        .given([started])
        .when(command('RecordAuthorisation', { authorisationId: 'auth-1', assessmentId: 'as-1' }))
        .then([authorised]));
    it('rejects a declined authorisation', () =>
      spec
        .given([started])
        .when(command('RejectAuthorisation', { reason: 'AUTHORISATION_DECLINED' }))
        .then([rejected('AUTHORISATION_DECLINED')]));
    it('records the charge', () =>
      spec
        .given([started, authorised])
        .when(command('RecordCharge', { transactionId: checkoutId, balanceAfter: 7_000 }))
        .then([charged]));
    it('refuses to record a charge before the authorisation', () =>
      spec
        .given([started])
        .when(command('RecordCharge', { transactionId: checkoutId }))
        .thenThrows('CHECKOUT_STEP_OUT_OF_ORDER'));
    it('rejects a refused charge and says the authorisation was voided', () =>
      spec
        .given([started, authorised])
        .when(command('RejectCharge', { reason: 'INSUFFICIENT_FUNDS', voided: true }))
        .then([rejected('INSUFFICIENT_FUNDS', { voided: true })]));
    it('completes on capture', () =>
      spec.given([started, authorised, charged]).when(command('RecordCapture', {})).then([captured, completed]));
    it('decides nothing for a duplicate report of a step already recorded', () =>
      spec
        .given([started, authorised, charged])
        .when(command('RecordCharge', { transactionId: checkoutId }))
        .then([]));
    it('decides nothing once the checkout is completed', () =>
      spec
        .given([started, authorised, charged, captured, completed])
        .when(command('RecordCaptureFailure', { reason: 'PROVIDER_ERROR' }))
        .then([]));
  });

  describe('compensating', () => {
    it('records a failed capture before anything is undone', () =>
      spec
        .given([started, authorised, charged])
        .when(command('RecordCaptureFailure', { reason: 'PROVIDER_ERROR' }))
        .then([captureFailed]));
    it('ends compensated and rejected with CAPTURE_FAILED', () =>
      spec
        .given([started, authorised, charged, captureFailed])
        .when(command('RecordCompensation', { refunded: true, voided: true }))
        .then([
          { type: 'CheckoutCompensated', data: { checkoutId, reason: 'CAPTURE_FAILED', refunded: true, voided: true } },
          rejected('CAPTURE_FAILED'),
        ]));
    it('completes after all when the void shows the payment was captured', () =>
      spec.given([started, authorised, charged, captureFailed]).when(command('RecordCapture', {})).then([captured, completed]));
    it('keeps what was undone in state', () =>
      spec
        .given([started, authorised, charged, captureFailed])
        .when(command('RecordCompensation', { refunded: true, voided: false }))
        .thenState((state) =>
          expect(state).toMatchObject({ stage: 'rejected', reason: 'CAPTURE_FAILED', compensation: { refunded: true, voided: false } }),
        ));
  });

  describe('abandoning', () => {
    const abandoned = (stage: string, reason = 'DEADLINE_EXCEEDED'): CheckoutEvent => ({
      type: 'CheckoutAbandoned',
      data: { checkoutId, reason, stage },
    });
    it.each([
      ['started', [started]],
      ['authorised', [started, authorised]],
      ['charged', [started, authorised, charged]],
    ] as [string, CheckoutEvent[]][])('records the decision to compensate a checkout left %s', (stage, events) =>
      spec
        .given(events)
        .when(command('AbandonCheckout', { reason: 'DEADLINE_EXCEEDED' }))
        .then([abandoned(stage)]),
    );
    it('decides nothing for a checkout already compensating or final', () => {
      spec
        .given([started, authorised, charged, captureFailed])
        .when(command('AbandonCheckout', { reason: 'DEADLINE_EXCEEDED' }))
        .then([]);
      spec
        .given([started, rejected('ACCOUNT_LOCKED')])
        .when(command('AbandonCheckout', { reason: 'OPERATOR_COMPENSATED' }))
        .then([]);
    });
    it('ignores a late authorisation or charge of an abandoned checkout', () => {
      spec
        .given([started, abandoned('started')])
        .when(command('RecordAuthorisation', { authorisationId: 'auth-1' }))
        .then([]);
      spec
        .given([started, authorised, abandoned('authorised')])
        .when(command('RecordCharge', { transactionId: checkoutId }))
        .then([]);
    });
    it('ends compensated and rejected with the reason it was abandoned for', () =>
      spec
        .given([started, authorised, abandoned('authorised', 'OPERATOR_COMPENSATED')])
        .when(command('RecordCompensation', { refunded: false, voided: true }))
        .then([
          { type: 'CheckoutCompensated', data: { checkoutId, reason: 'OPERATOR_COMPENSATED', refunded: false, voided: true } },
          rejected('OPERATOR_COMPENSATED'),
        ]));
    it('compensates next', () => expect(nextStep(stateAfter([started, abandoned('started')]))).toBe('compensate'));
  });

  describe('next step, from the recorded steps alone', () => {
    it.each([
      ['nothing, start', [], 'start'],
      ['the start, screen and authorise', [started], 'screen-and-authorise'],
      ['the authorisation, charge', [started, authorised], 'charge'],
      ['the charge, capture', [started, authorised, charged], 'capture'],
      ['a failed capture, compensate', [started, authorised, charged, captureFailed], 'compensate'],
      ['completion, done', [started, authorised, charged, captured, completed], 'done'],
      ['a rejection, done', [started, rejected('ACCOUNT_LOCKED')], 'done'],
    ] as [string, CheckoutEvent[], string][])('after %s', (_label, events, step) => expect(nextStep(stateAfter(events))).toBe(step));
  });
});
