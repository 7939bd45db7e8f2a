import { backoffMs } from '@app/async';
import { EventEnvelope, Headers, deadLetterQueueOf, parseQueueName, retryQueueOf } from '@app/contracts';
import { Logger } from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { AmqpConnection } from '../amqp-connection';
import { ConfirmPublisher } from '../confirm-publisher';
import { failureExchange } from '../topology';
import { ackAfterCommit, requeue } from './channel-subscription';
import { classifyFailure } from './message-failure';

/** The error code of a dead letter parked behind an earlier one of its stream. */
export const PARKED = 'PARKED';

export interface FailureRouterOptions {
  queue: string;
  connection: AmqpConnection;
  logger: Logger;
  /** Attempts before a transiently failing message is dead-lettered. */
  maxAttempts?: number;
  /** The first retry's delay ceiling; later ones double it, up to 30 s. */
  retryBaseMs?: number;
}

/**
 * Routes a message that failed: to `<queue>.retry` with a growing delay while it may still pass,
 * to `<queue>.dlq` when it never can or is out of attempts, with the dead-letter headers either way.
 * The original is acknowledged only after the broker confirmed the copy.
 */
export class FailureRouter {
  private readonly publisher: ConfirmPublisher;

  constructor(private readonly options: FailureRouterOptions) {
    // Through the consumer's own failure exchange: its broker user may write to nothing else.
    this.publisher = new ConfirmPublisher(options.connection, undefined, failureExchange(parseQueueName(options.queue)?.consumer ?? ''));
  }

  close(): Promise<void> {
    return this.publisher.close();
  }

  async fail(channel: Channel, message: ConsumeMessage, error: unknown, envelope?: EventEnvelope) {
    const failure = classifyFailure(error);
    const headers = message.properties.headers ?? {};
    const attempts = Number(headers[Headers.attempts] ?? 0) + 1;
    const deadLetter = this.deadLetters(message, error);
    const target = deadLetter ? deadLetterQueueOf(this.options.queue) : retryQueueOf(this.options.queue);
    const now = new Date().toISOString();
    const messageId = String(message.properties.messageId ?? envelope?.eventId ?? randomUUID());
    const log = `${envelope?.type ?? 'message'} ${messageId} failed (${failure.code}: ${failure.message}); attempt ${attempts} → ${target}`;
    if (deadLetter) this.options.logger.error(log);
    else this.options.logger.warn(log);
    try {
      await this.publisher.publish(target, [
        {
          content: message.content,
          options: {
            ...message.properties,
            messageId,
            expiration: deadLetter ? undefined : String(backoffMs(attempts, { baseMs: this.options.retryBaseMs ?? 200, capMs: 30_000 })),
            headers: {
              ...headers,
              [Headers.originalQueue]: this.options.queue,
              [Headers.attempts]: attempts,
              [Headers.firstFailedAt]: headers[Headers.firstFailedAt] ?? now,
              [Headers.lastFailedAt]: now,
              [Headers.errorCode]: failure.code,
              [Headers.errorMessage]: failure.message.slice(0, 1_000),
            },
          },
        },
      ]);
      ackAfterCommit(channel, message);
    } catch (publishError) {
      // The message stays unacknowledged and comes back; nothing is lost.
      this.options.logger.warn(`could not move ${messageId} to ${target}: ${(publishError as Error).message}`);
      requeue(channel, message);
    }
  }

  /** Whether `fail` sends this message to the DLQ (for good) rather than to a retry. */
  deadLetters(message: ConsumeMessage, error: unknown): boolean {
    const attempts = Number(message.properties.headers?.[Headers.attempts] ?? 0) + 1;
    return classifyFailure(error).permanent || attempts >= (this.options.maxAttempts ?? 5);
  }

  /**
   * Sends an event of a parked stream straight to `<queue>.dlq`, behind its blocker: no attempt
   * spent, no backoff. Acknowledged once the broker confirmed the copy, like `fail`.
   */
  async parkBehind(channel: Channel, message: ConsumeMessage, envelope: EventEnvelope, blocker: { eventId: string; version: number }) {
    const headers = message.properties.headers ?? {};
    const now = new Date().toISOString();
    const target = deadLetterQueueOf(this.options.queue);
    try {
      await this.publisher.publish(target, [
        {
          content: message.content,
          options: {
            ...message.properties,
            messageId: envelope.eventId,
            headers: {
              ...headers,
              [Headers.originalQueue]: this.options.queue,
              [Headers.attempts]: Number(headers[Headers.attempts] ?? 0),
              [Headers.firstFailedAt]: headers[Headers.firstFailedAt] ?? now,
              [Headers.lastFailedAt]: now,
              [Headers.errorCode]: PARKED,
              [Headers.errorMessage]: `${envelope.streamId} is parked behind version ${blocker.version} (${blocker.eventId}), dead-lettered earlier`,
              [Headers.parkedBehind]: blocker.eventId,
            },
          },
        },
      ]);
      ackAfterCommit(channel, message);
    } catch (publishError) {
      this.options.logger.warn(`could not park ${envelope.eventId} in ${target}: ${(publishError as Error).message}`);
      requeue(channel, message);
    }
  }
}
