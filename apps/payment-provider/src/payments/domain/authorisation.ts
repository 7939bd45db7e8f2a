import { DomainError } from '@app/domain';

export type AuthorisationStatus = 'authorised' | 'captured' | 'voided';

/** One payment authorisation as the simulated provider keeps it. */
export interface Authorisation {
  authorisationId: string;
  status: AuthorisationStatus;
  amount: number;
  currency: string;
  reference: string;
  authorisedAt: string;
  capturedAt?: string;
  voidedAt?: string;
}

export interface AuthorisationRequest {
  amount: number;
  currency: string;
  reference: string;
}

/** A fresh authorisation; the id and time come from the caller so this stays pure. */
export const authorise = (request: AuthorisationRequest, authorisationId: string, now: string): Authorisation => ({
  authorisationId,
  status: 'authorised',
  amount: request.amount,
  currency: request.currency,
  reference: request.reference,
  authorisedAt: now,
});

/** Captures an authorisation; capturing again is a no-op, capturing a voided one a conflict. */
export function capture(authorisation: Authorisation, now: string): Authorisation {
  switch (authorisation.status) {
    case 'captured':
      return authorisation;
    case 'voided':
      throw new DomainError(
        'conflict',
        'AUTHORISATION_VOIDED',
        `Authorisation ${authorisation.authorisationId} was voided and cannot be captured.`,
      );
    case 'authorised':
      return { ...authorisation, status: 'captured', capturedAt: now };
  }
}

/** Voids an authorisation; voiding again is a no-op, voiding a captured one a conflict. */
export function voidAuthorisation(authorisation: Authorisation, now: string): Authorisation {
  switch (authorisation.status) {
    case 'voided':
      return authorisation;
    case 'captured':
      throw new DomainError(
        'conflict',
        'AUTHORISATION_CAPTURED',
        `Authorisation ${authorisation.authorisationId} was captured and cannot be voided.`,
      );
    case 'authorised':
      return { ...authorisation, status: 'voided', voidedAt: now };
  }
}

export const authorisationNotFound = (authorisationId: string): DomainError =>
  new DomainError('not-found', 'AUTHORISATION_NOT_FOUND', `No authorisation ${authorisationId} exists.`);

/** Same key, same request: the fingerprint decides whether an idempotent retry is really a retry. */
export const fingerprintOf = (request: AuthorisationRequest): string =>
  JSON.stringify([request.amount, request.currency, request.reference]);
