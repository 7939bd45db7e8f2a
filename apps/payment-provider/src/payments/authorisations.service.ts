import { Injectable } from '@nestjs/common';
import { ProblemException } from '@app/platform';
import { randomUUID } from 'crypto';
import { Counter, register } from 'prom-client';
import { BehaviourService } from './behaviour/behaviour.service';
import { Mode, Operation } from './behaviour/provider-behaviour';
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
  /** Every key that led to an authorisation, kept even when the answer was lost: a real provider's look-up by key. */
  private readonly authorisationIdByKey = new Map<string, string>();

  constructor(private readonly behaviour: BehaviourService) {}

  /** Authorises once per idempotency key: a retry with the same key and request gets the first answer. */
  async authorise(request: AuthorisationRequest, idempotencyKey?: string, signal?: AbortSignal): Promise<Authorisation> {
    if (idempotencyKey === undefined) return this.authoriseNow(request, undefined, signal);
    const fingerprint = fingerprintOf(request);
    const existing = this.byIdempotencyKey.get(idempotencyKey);
    if (existing) {
      if (existing.fingerprint !== fingerprint) {
        throw new ProblemException(409, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request.');
      }
      return existing.result;
    }
    const result = this.authoriseNow(request, idempotencyKey, signal);
    this.byIdempotencyKey.set(idempotencyKey, { fingerprint, result });
    // A failed attempt is not an answer worth repeating: let a retry with the same key try again,
    // which finds the authorisation if the failure was only a lost answer.
    result.catch(() => this.byIdempotencyKey.delete(idempotencyKey));
    return result;
  }

  async capture(authorisationId: string, signal?: AbortSignal): Promise<Authorisation> {
    return this.transition('capture', authorisationId, signal, capture);
  }

  async void(authorisationId: string, signal?: AbortSignal): Promise<Authorisation> {
    return this.transition('void', authorisationId, signal, voidAuthorisation);
  }

  async get(authorisationId: string, signal?: AbortSignal): Promise<Authorisation> {
    await this.lookup(signal);
    return this.find(authorisationId);
  }

  /** Every authorisation made for `reference` (a checkout id), for tests that check what a checkout left behind. */
  byReference(reference: string): Authorisation[] {
    return [...this.authorisations.values()].filter((authorisation) => authorisation.reference === reference);
  }

  /** The authorisation made under `idempotencyKey`, whatever became of its answer. */
  async getByIdempotencyKey(idempotencyKey: string, signal?: AbortSignal): Promise<Authorisation> {
    await this.lookup(signal);
    const authorisationId = this.authorisationIdByKey.get(idempotencyKey);
    if (authorisationId === undefined) {
      throw new ProblemException(404, 'AUTHORISATION_NOT_FOUND', 'No authorisation was made with this Idempotency-Key.');
    }
    return this.find(authorisationId);
  }

  private async authoriseNow(
    request: AuthorisationRequest,
    idempotencyKey: string | undefined,
    signal?: AbortSignal,
  ): Promise<Authorisation> {
    const known = idempotencyKey === undefined ? undefined : this.authorisationIdByKey.get(idempotencyKey);
    if (known !== undefined) {
      const authorisation = this.find(known);
      if (fingerprintOf(authorisation) !== fingerprintOf(request)) {
        throw new ProblemException(409, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request.');
      }
      const mode = await this.observed('authorise', () => this.behaviour.apply('authorise', signal));
      if (mode === 'lost') throw this.behaviour.lostAnswer('authorise');
      return authorisation;
    }
    const mode = await this.observed('authorise', () => this.behaviour.apply('authorise', signal));
    const authorisation = authorise(request, randomUUID(), new Date().toISOString());
    this.authorisations.set(authorisation.authorisationId, authorisation);
    if (idempotencyKey !== undefined) this.authorisationIdByKey.set(idempotencyKey, authorisation.authorisationId);
    if (mode === 'lost') throw this.behaviour.lostAnswer('authorise');
    return authorisation;
  }

  private async transition(
    operation: Operation,
    authorisationId: string,
    signal: AbortSignal | undefined,
    change: (authorisation: Authorisation, now: string) => Authorisation,
  ): Promise<Authorisation> {
    const mode = await this.observed(operation, () => this.behaviour.apply(operation, signal));
    // Read after the simulated delay: a concurrent capture and void must see each other.
    const next = change(this.find(authorisationId), new Date().toISOString());
    this.authorisations.set(authorisationId, next);
    if (mode === 'lost') throw this.behaviour.lostAnswer(operation);
    return next;
  }

  private async lookup(signal?: AbortSignal): Promise<void> {
    const mode = await this.observed('lookup', () => this.behaviour.apply('lookup', signal));
    if (mode === 'lost') throw this.behaviour.lostAnswer('lookup');
  }

  private find(authorisationId: string): Authorisation {
    const authorisation = this.authorisations.get(authorisationId);
    if (!authorisation) throw authorisationNotFound(authorisationId);
    return authorisation;
  }

  private async observed(operation: Operation, call: () => Promise<Mode>): Promise<Mode> {
    try {
      const mode = await call();
      operationsTotal.inc({ operation, outcome: mode });
      return mode;
    } catch (error) {
      operationsTotal.inc({ operation, outcome: (error as { code?: string }).code ?? 'error' });
      throw error;
    }
  }
}
