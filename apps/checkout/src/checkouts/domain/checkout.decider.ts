import { Decider, DomainError, assertNever } from '@app/domain';
import { CheckoutCommand, ScreeningFacts, StartCheckout } from './checkout.commands';
import { CheckoutEvent, CheckoutRejected, CheckoutRequest } from './checkout.events';
import { totalOf } from './checkout-limits';
import { screen } from './checkout-screening';

/** How far the checkout got; `completed` and `rejected` are final. */
export type CheckoutStage = 'none' | 'started' | 'authorised' | 'charged' | 'capture-failed' | 'compensating' | 'completed' | 'rejected';

export interface CheckoutState {
  stage: CheckoutStage;
  checkoutId: string;
  request?: CheckoutRequest;
  total: number;
  authorisationId?: string;
  assessmentId?: string;
  transactionId?: string;
  reason?: string;
  details?: string[];
  compensation?: { refunded: boolean; voided: boolean };
  /** Set once the checkout was abandoned: how far it had got, which says what may need undoing. */
  abandonedFrom?: CheckoutStage;
}

/** The next call the process manager has to make for a checkout in `state`. */
export type NextStep = 'start' | 'screen-and-authorise' | 'charge' | 'capture' | 'compensate' | 'done';

/** Decides the next step from the recorded steps alone, so any request can resume any checkout. */
export function nextStep(state: CheckoutState): NextStep {
  switch (state.stage) {
    case 'none':
      return 'start';
    case 'started':
      return 'screen-and-authorise';
    case 'authorised':
      return 'charge';
    case 'charged':
      return 'capture';
    case 'capture-failed':
    case 'compensating':
      return 'compensate';
    case 'completed':
    case 'rejected':
      return 'done';
    default:
      return assertNever(state.stage);
  }
}

export const isFinal = (state: CheckoutState): boolean => state.stage === 'completed' || state.stage === 'rejected';

/**
 * Whether screening `facts` let a started checkout go on to authorisation: exactly when ScreenCheckout
 * would record nothing. The process asks this before authorising, so that it need record only a refusal.
 */
export const passesScreening = (state: CheckoutState, facts: ScreeningFacts): boolean =>
  screen(facts, state.total, state.request!.currency) === undefined;

const initialState = (): CheckoutState => ({ stage: 'none', checkoutId: '', total: 0 });

function decide(command: CheckoutCommand, state: CheckoutState): CheckoutEvent[] {
  if (command.type === 'StartCheckout') return start(command, state);
  if (state.stage === 'none') throw new DomainError('not-found', 'CHECKOUT_NOT_FOUND', 'The checkout has not been started');
  // A report about a step the checkout has already left (another driver recorded it first) changes nothing.
  if (isFinal(state)) return [];
  const { checkoutId, total } = state;
  const request = state.request!;
  switch (command.type) {
    case 'ScreenCheckout': {
      if (state.stage !== 'started') return [];
      const verdict = screen(command.data, total, request.currency);
      return verdict ? [rejected(state, verdict.reason, { details: verdict.details })] : [];
    }
    case 'RecordAuthorisation':
      if (state.stage !== 'started') return [];
      return [
        {
          type: 'PaymentAuthorised',
          data: { checkoutId, authorisationId: command.data.authorisationId, assessmentId: command.data.assessmentId },
        },
      ];
    case 'RejectAuthorisation':
      return state.stage === 'started' ? [rejected(state, command.data.reason)] : [];
    case 'RecordCharge':
      requireAtLeast(state, 'authorised', command.type);
      if (state.stage !== 'authorised') return [];
      return [
        {
          type: 'AccountCharged',
          data: {
            checkoutId,
            accountId: request.accountId,
            transactionId: command.data.transactionId,
            amount: total,
            currency: request.currency,
            balanceAfter: command.data.balanceAfter,
          },
        },
      ];
    case 'RejectCharge':
      requireAtLeast(state, 'authorised', command.type);
      return state.stage === 'authorised' ? [rejected(state, command.data.reason, { voided: command.data.voided })] : [];
    case 'RecordCapture':
      requireAtLeast(state, 'charged', command.type);
      return [
        { type: 'PaymentCaptured', data: { checkoutId, authorisationId: state.authorisationId! } },
        {
          type: 'CheckoutCompleted',
          data: { checkoutId, accountId: request.accountId, merchantId: request.merchantId, total, currency: request.currency },
        },
      ];
    case 'RecordCaptureFailure':
      requireAtLeast(state, 'charged', command.type);
      if (state.stage !== 'charged') return [];
      return [{ type: 'PaymentCaptureFailed', data: { checkoutId, authorisationId: state.authorisationId!, reason: command.data.reason } }];
    case 'RecordCompensation': {
      requireAtLeast(state, 'capture-failed', command.type);
      const reason = state.reason ?? 'CAPTURE_FAILED';
      return [
        { type: 'CheckoutCompensated', data: { checkoutId, reason, refunded: command.data.refunded, voided: command.data.voided } },
        rejected(state, reason),
      ];
    }
    case 'AbandonCheckout':
      if (state.stage === 'capture-failed' || state.stage === 'compensating') return [];
      return [{ type: 'CheckoutAbandoned', data: { checkoutId, reason: command.data.reason, stage: state.stage } }];
    default:
      return assertNever(command);
  }
}

function start(command: StartCheckout, state: CheckoutState): CheckoutEvent[] {
  const { checkoutId, idempotencyKey, request } = command.data;
  if (state.stage !== 'none') {
    if (!sameRequest(state.request!, request)) {
      throw new DomainError('conflict', 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different checkout request');
    }
    return [];
  }
  if (!/^[A-Z]{3}$/.test(request.currency)) {
    throw new DomainError('validation', 'INVALID_CURRENCY', 'currency must be an ISO 4217 code of three upper-case letters');
  }
  const total = totalOf(request.items);
  const items = request.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice }));
  return [
    {
      type: 'CheckoutStarted',
      data: {
        checkoutId,
        accountId: request.accountId,
        merchantId: request.merchantId,
        items,
        total,
        currency: request.currency,
        idempotencyKey,
      },
    },
  ];
}

function evolve(state: CheckoutState, event: CheckoutEvent): CheckoutState {
  switch (event.type) {
    case 'CheckoutStarted': {
      const { checkoutId, accountId, merchantId, items, currency, total } = event.data;
      return { ...state, stage: 'started', checkoutId, request: { accountId, merchantId, items, currency }, total };
    }
    case 'PaymentAuthorised':
      return { ...state, stage: 'authorised', authorisationId: event.data.authorisationId, assessmentId: event.data.assessmentId };
    case 'AccountCharged':
      return { ...state, stage: 'charged', transactionId: event.data.transactionId };
    case 'PaymentCaptured':
      return state;
    case 'PaymentCaptureFailed':
      return { ...state, stage: 'capture-failed', reason: 'CAPTURE_FAILED' };
    case 'CheckoutAbandoned':
      return { ...state, stage: 'compensating', reason: event.data.reason, abandonedFrom: event.data.stage as CheckoutStage };
    case 'CheckoutCompleted':
      return { ...state, stage: 'completed', reason: undefined };
    case 'CheckoutCompensated':
      return { ...state, compensation: { refunded: event.data.refunded, voided: event.data.voided } };
    case 'CheckoutRejected':
      return { ...state, stage: 'rejected', reason: event.data.reason, details: event.data.details };
    default:
      return assertNever(event);
  }
}

const ORDER: CheckoutStage[] = ['none', 'started', 'authorised', 'charged', 'capture-failed'];
// Both compensating stages come after every forward step.
const rank = (stage: CheckoutStage): number => (stage === 'compensating' ? ORDER.indexOf('capture-failed') : ORDER.indexOf(stage));

// Only a bug in the process manager can report a step before the one it depends on was recorded.
function requireAtLeast(state: CheckoutState, stage: CheckoutStage, command: string): void {
  if (rank(state.stage) < rank(stage)) {
    throw new DomainError('conflict', 'CHECKOUT_STEP_OUT_OF_ORDER', `${command} cannot be recorded while the checkout is ${state.stage}`);
  }
}

function rejected(state: CheckoutState, reason: string, extra: { details?: string[]; voided?: boolean } = {}): CheckoutRejected {
  const { accountId, merchantId, currency } = state.request!;
  const data: CheckoutRejected['data'] = { checkoutId: state.checkoutId, accountId, merchantId, total: state.total, currency, reason };
  if (extra.details?.length) data.details = extra.details;
  if (extra.voided !== undefined) data.voided = extra.voided;
  return { type: 'CheckoutRejected', data };
}

const sameRequest = (a: CheckoutRequest, b: CheckoutRequest): boolean =>
  a.accountId === b.accountId &&
  a.merchantId === b.merchantId &&
  a.currency === b.currency &&
  a.items.length === b.items.length &&
  a.items.every(
    (item, i) => item.sku === b.items[i].sku && item.quantity === b.items[i].quantity && item.unitPrice === b.items[i].unitPrice,
  );

export const checkoutDecider: Decider<CheckoutState, CheckoutCommand, CheckoutEvent> = { initialState, decide, evolve };
