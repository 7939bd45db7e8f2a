import { Injectable } from '@nestjs/common';
import { ProblemException } from '@app/platform';
import { randomUUID } from 'crypto';
import { Counter, register } from 'prom-client';
import { BehaviourService } from './behaviour/behaviour.service';
import { Operation } from './behaviour/provider-behaviour';
import {
  Authorisation,
  authorisationNotFound,
  AuthorisationRequest,
  authorise,
  capture,
  fingerprintOf,
  voidAuthorisation,
} from './domain/authorisation';

const OPERATIONS_TOTAL = 'payment_provider_operations_total';
const operationsTotal: Counter<'operation' | 'outcome'> =
  (register.getSingleMetric(OPERATIONS_TOTAL) as Counter<'operation' | 'outcome'> | undefined) ??
  new Counter({ name: OPERATIONS_TOTAL, help: 'Simulated provider calls by operation and outcome', labelNames: ['operation', 'outcome'] });

interface IdempotentEntry {
  fingerprint: string;
  /** Shared by concurrent retries, so a key in flight is never authorised twice. */
  result: Promise<Authorisation>;
}

/** The simulated provider's in-memory ledger of authorisations. */
@Injectable()
export class AuthorisationsService {
  private readonly authorisations = new Map<string, Authorisation>();
  private readonly byIdempotencyKey = new Map<string, IdempotentEntry>();

  constructor(private readonly behaviour: BehaviourService) {}

  /** Authorises once per idempotency key: a retry with the same key and request gets the first answer. */
  async authorise(request: AuthorisationRequest, idempotencyKey?: string, signal?: AbortSignal): Promise<Authorisation> {
    if (idempotencyKey === undefined) return this.authoriseNow(request, signal);
    const fingerprint = fingerprintOf(request);
    const existing = this.byIdempotencyKey.get(idempotencyKey);
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        throw new ProblemException(409, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request.');
      }
      return existing.result;
    }
    const result = this.authoriseNow(request, signal);
    this.byIdempotencyKey.set(idempotencyKey, { fingerprint, result });
    // A failed attempt is not an answer worth repeating: let a retry with the same key try again.
    result.catch(() => this.byIdempotencyKey.delete(idempotencyKey));
    return result;
  }

  async capture(authorisationId: string, signal?: AbortSignal): Promise<Authorisation> {
    return this.transition('capture', authorisationId, signal, capture);
  }

  async void(authorisationId: string, signal?: AbortSignal): Promise<Authorisation> {
    return this.transition('void', authorisationId, signal, voidAuthorisation);
  }

  get(authorisationId: string): Authorisation {
    const authorisation = this.authorisations.get(authorisationId);
    if (!authorisation) throw authorisationNotFound(authorisationId);
    return authorisation;
  }

  private async authoriseNow(request: AuthorisationRequest, signal?: AbortSignal): Promise<Authorisation> {
    await this.observed('authorise', () => this.behaviour.apply('authorise', signal));
    const authorisation = authorise(request, randomUUID(), new Date().toISOString());
    this.authorisations.set(authorisation.authorisationId, authorisation);
    return authorisation;
  }

  private async transition(
    operation: Operation,
    authorisationId: string,
    signal: AbortSignal | undefined,
    change: (authorisation: Authorisation, now: string) => Authorisation,
  ): Promise<Authorisation> {
    await this.observed(operation, () => this.behaviour.apply(operation, signal));
    // Read after the simulated delay: a concurrent capture and void must see each other.
    const next = change(this.get(authorisationId), new Date().toISOString());
    this.authorisations.set(authorisationId, next);
    return next;
  }

  private async observed(operation: Operation, call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
      operationsTotal.inc({ operation, outcome: 'ok' });
    } catch (error) {
      operationsTotal.inc({ operation, outcome: (error as { code?: string }).code ?? 'error' });
      throw error;
    }
  }
}
