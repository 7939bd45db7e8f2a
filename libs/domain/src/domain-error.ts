/** The kind of a broken rule; each kind maps to exactly one HTTP status at the edge. */
export type DomainErrorKind = 'validation' | 'rule' | 'not-found' | 'conflict' | 'limit';

/**
 * A business rule the command broke. It is permanent: retrying the same command against the
 * same state gives the same answer, so consumers dead-letter it at once instead of retrying.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
