import { DomainError } from '@app/domain';

/** The account's broken rules, each with the stable code callers branch on. */
export const AccountErrors = {
  notFound: (id: string) => new DomainError('not-found', 'ACCOUNT_NOT_FOUND', `Account ${id} does not exist`),
  exists: (id: string) => new DomainError('conflict', 'ACCOUNT_EXISTS', `Account ${id} already exists`),
  locked: (id: string) => new DomainError('conflict', 'ACCOUNT_LOCKED', `Account ${id} is locked`),
  invalidLimit: () => new DomainError('validation', 'INVALID_LIMIT', 'The limit must be a non-negative integer amount in minor units'),
  limitExceeded: (maxLimit: number) => new DomainError('limit', 'LIMIT_EXCEEDED', `The limit may not exceed ${maxLimit}`),
  tooManyPhoneNumbers: (max: number) =>
    new DomainError('rule', 'TOO_MANY_PHONE_NUMBERS', `An account may have at most ${max} phone numbers`),
  amountNotInteger: () =>
    new DomainError('validation', 'AMOUNT_NOT_INTEGER', 'The amount must be a whole number of minor units (e.g. cents)'),
  amountNotPositive: () => new DomainError('validation', 'AMOUNT_NOT_POSITIVE', 'The amount must be greater than zero'),
  currencyMismatch: (expected: string, got: string) =>
    new DomainError('validation', 'CURRENCY_MISMATCH', `The account is in ${expected}; the purchase is in ${got}`),
  insufficientFunds: (balance: number, amount: number) =>
    new DomainError('rule', 'INSUFFICIENT_FUNDS', `The account has ${Math.max(balance, 0)} available; ${amount} was asked`),
  transactionIdReused: (transactionId: string) =>
    new DomainError('conflict', 'TRANSACTION_ID_REUSED', `Transaction ${transactionId} was already used for a different amount`),
  transactionNotFound: (transactionId: string) =>
    new DomainError('not-found', 'TRANSACTION_NOT_FOUND', `The account has no purchase ${transactionId}`),
  transactionCancelled: (transactionId: string) =>
    new DomainError(
      'conflict',
      'TRANSACTION_CANCELLED',
      `Transaction ${transactionId} was cancelled before it was charged; it is never charged`,
    ),
  alreadyRefunded: (transactionId: string) =>
    new DomainError('conflict', 'PURCHASE_ALREADY_REFUNDED', `Purchase ${transactionId} has already been refunded`),
};
