import {
  EventEnvelope,
  Headers,
  RetryPolicy,
  configuredRetryPolicy,
  deadLetterQueueOf,
  parseQueueName,
  retryQueueOf,
  retryTierOf,
} from '@app/contracts';
import { Logger } from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { AmqpConnection } from '../amqp-connection';
import { ConfirmPublisher } from '../confirm-publisher';
import { failureExchange } from '../topology';
import { ackAfterCommit, requeue } from './channel-subscription';
import { failureMetrics } from './failure-metrics';
import { classifyFailure } from './message-failure';
import { HeldRetries, retryJitterMs } from './retry-jitter';

/** The error code of a dead letter parked behind an earlier one of its stream. */
export const PARKED = 'PARKED';

/** The error code of the record of a gap that outlived its timeout: a predecessor never arrived. */
export const GAP_TIMEOUT = 'GAP_TIMEOUT';

export interface FailureRouterOptions {
  queue: string;
  connection: AmqpConnection;
  logger: Logger;
  /** Attempts before a transiently failing message is dead-lettered; the installation's (RETRY_MAX_ATTEMPTS) by default. */
  maxAttempts?: number;
}

/**
 * Routes a message that failed: to `<queue>.retry.<tier>` while it may still pass (a longer delay
 * with each failure, the installation's RetryPolicy, after a jitter the consumer holds it for; see retry-jitter.ts),
 * to `<queue>.dlq` when it never can or is out of attempts, with the dead-letter headers either way.
 * The original is acknowledged only after the broker confirmed the copy.
 */
export class FailureRouter {
  private readonly publisher: ConfirmPublisher;
  private readonly held = new HeldRetries();
  private readonly policy: RetryPolicy;

  constructor(private readonly options: FailureRouterOptions) {
    const installed = configuredRetryPolicy();
    this.policy = { tiers: installed.tiers, maxAttempts: options.maxAttempts ?? installed.maxAttempts };
    // Through the consumer's own failure exchange: its broker user may write to nothing else.
    this.publisher = new ConfirmPublisher(options.connection, undefined, failureExchange(parseQueueName(options.queue)?.consumer ?? ''));
  }

  close(): Promise<void> {
    this.held.cancel();
    return this.publisher.close();
  }

  async fail(channel: Channel, message: ConsumeMessage, error: unknown, envelope?: EventEnvelope) {
    const failure = classifyFailure(error);
    const headers = message.properties.headers ?? {};
    const attempts = Number(headers[Headers.attempts] ?? 0) + 1;
    const deadLetter = this.deadLetters(message, error);
    const tier = retryTierOf(attempts, this.policy.tiers);
    const target = deadLetter ? deadLetterQueueOf(this.options.queue) : retryQueueOf(this.options.queue, tier);
    const messageId = String(message.properties.messageId ?? envelope?.eventId ?? randomUUID());
    const log = `${envelope?.type ?? 'message'} ${messageId} failed (${failure.code}: ${failure.message}); attempt ${attempts} → ${target}`;
    if (deadLetter) this.options.logger.error(log);
    else this.options.logger.warn(log);
    const move = async () => {
      try {
        await this.publisher.publish(target, [
          failureCopy(this.options.queue, message, messageId, { attempts, code: failure.code, message: failure.message }),
        ]);
        ackAfterCommit(channel, message);
        if (deadLetter) failureMetrics.deadLetters.inc({ queue: this.options.queue, code: failure.code });
        else failureMetrics.retries.inc({ queue: this.options.queue, tier: tier.name });
      } catch (publishError) {
        // The message stays unacknowledged and comes back; nothing is lost.
        this.options.logger.warn(`could not move ${messageId} to ${target}: ${(publishError as Error).message}`);
        requeue(channel, message);
      }
    };
    // A retry waits out its jitter in the consumer's hand, and the consumer goes on meanwhile.
    if (deadLetter) await move();
    else this.held.hold(retryJitterMs(tier), move);
  }

  /** Whether `fail` sends this message to the DLQ (for good) rather than to a retry. */
  deadLetters(message: ConsumeMessage, error: unknown): boolean {
    const attempts = Number(message.properties.headers?.[Headers.attempts] ?? 0) + 1;
    return classifyFailure(error).permanent || attempts >= this.policy.maxAttempts;
  }

  /**
   * Routes a waiting event whose handler failed when its gap closed, like `fail` (an attempt spent),
   * but from the table rather than a delivery: nothing to acknowledge, and no jitter held, since the
   * caller removes it from the table once the copy is confirmed. Throws when the copy was not.
   */
  async failWaiting(message: ConsumeMessage, error: unknown, envelope: EventEnvelope): Promise<void> {
    const failure = classifyFailure(error);
    const headers = message.properties.headers ?? {};
    const attempts = Number(headers[Headers.attempts] ?? 0) + 1;
    const target = this.deadLetters(message, error)
      ? deadLetterQueueOf(this.options.queue)
      : retryQueueOf(this.options.queue, retryTierOf(attempts, this.policy.tiers));
    this.options.logger.warn(
      `${envelope.type} ${envelope.eventId} failed after its gap closed (${failure.code}: ${failure.message}); attempt ${attempts} → ${target}`,
    );
    await this.publisher.publish(target, [
      failureCopy(this.options.queue, message, envelope.eventId, { attempts, code: failure.code, message: failure.message }),
    ]);
  }

  /**
   * Reports a gap that outlived its timeout as a dead letter of the first event waiting behind it:
   * `GAP_TIMEOUT`, the missing version in `x-missing-stream-version`. The events stay waiting (a
   * replay of this record is a duplicate, dropped); the fix is to have the producer deliver the
   * stream again from the missing version.
   */
  async reportGap(
    message: ConsumeMessage,
    envelope: EventEnvelope,
    gap: { missingVersion: number; waitingEvents: number; waitedSeconds: number },
  ) {
    const headers = message.properties.headers ?? {};
    const description =
      `${envelope.streamId}: version ${gap.missingVersion} never arrived; ${gap.waitingEvents} event(s) from version ` +
      `${envelope.streamVersion} have waited behind it for ${Math.round(gap.waitedSeconds)} s`;
    this.options.logger.error(`${GAP_TIMEOUT} ${description}`);
    await this.publisher.publish(deadLetterQueueOf(this.options.queue), [
      failureCopy(this.options.queue, message, envelope.eventId, {
        attempts: Number(headers[Headers.attempts] ?? 0),
        code: GAP_TIMEOUT,
        message: description,
        headers: { [Headers.missingStreamVersion]: gap.missingVersion },
      }),
    ]);
    failureMetrics.deadLetters.inc({ queue: this.options.queue, code: GAP_TIMEOUT });
  }

  /**
   * Sends an event of a parked stream straight to `<queue>.dlq`, behind its blocker: no attempt
   * spent, no backoff. Acknowledged once the broker confirmed the copy, like `fail`.
   */
  async parkBehind(channel: Channel, message: ConsumeMessage, envelope: EventEnvelope, blocker: { eventId: string; version: number }) {
    const headers = message.properties.headers ?? {};
    const target = deadLetterQueueOf(this.options.queue);
    try {
      await this.publisher.publish(target, [
        failureCopy(this.options.queue, message, envelope.eventId, {
          attempts: Number(headers[Headers.attempts] ?? 0),
          code: PARKED,
          message: `${envelope.streamId} is parked behind version ${blocker.version} (${blocker.eventId}), dead-lettered earlier`,
          headers: { [Headers.parkedBehind]: blocker.eventId },
        }),
      ]);
      ackAfterCommit(channel, message);
      failureMetrics.deadLetters.inc({ queue: this.options.queue, code: PARKED });
    } catch (publishError) {
      this.options.logger.warn(`could not park ${envelope.eventId} in ${target}: ${(publishError as Error).message}`);
      requeue(channel, message);
    }
  }
}

/** What a failure copy says of its failure: the attempts so far, the code and message, and any header of its own. */
interface FailureRecord {
  attempts: number;
  code: string;
  message: string;
  headers?: Record<string, unknown>;
}

/**
 * The copy of a failed message for its retry tier or the DLQ: the same body, properties and message
 * id, no per-message expiry (a retry is timed by its tier's TTL alone, and a dead letter never
 * expires), and the dead-letter headers.
 */
function failureCopy(queue: string, message: ConsumeMessage, messageId: string, record: FailureRecord) {
  const headers = message.properties.headers ?? {};
  const now = new Date().toISOString();
  return {
    content: message.content,
    options: {
      ...message.properties,
      messageId,
      expiration: undefined,
      headers: {
        ...headers,
        [Headers.originalQueue]: queue,
        [Headers.attempts]: record.attempts,
        [Headers.firstFailedAt]: headers[Headers.firstFailedAt] ?? now,
        [Headers.lastFailedAt]: now,
        [Headers.errorCode]: record.code,
        [Headers.errorMessage]: record.message.slice(0, 1_000),
        ...record.headers,
      },
    },
  };
}
