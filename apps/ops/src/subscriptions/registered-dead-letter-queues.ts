import { Producer, Producers } from '@app/contracts';
import { Logger } from '@nestjs/common';
import { ProducerSubscriptionsClient } from './producer-subscriptions.client';

/** What drains dead letters: the routing table's DLQs, and those of the consumers added here. */
export interface DeadLetterQueues {
  add(queue: string): Promise<void>;
  remove(queue: string): Promise<void>;
}

/**
 * At Ops' start, drains the DLQs of the consumers registered earlier. Ops keeps no list of its own:
 * the producers' subscriptions with a `registeredAt` are those consumers. A producer that does not
 * answer yet (started after Ops) is asked again until it does.
 */
export class RegisteredDeadLetterQueues {
  private readonly logger = new Logger('RegisteredDeadLetterQueues');
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly client: ProducerSubscriptionsClient,
    private readonly drain: DeadLetterQueues,
    private readonly retryMs = 10_000,
  ) {}

  /** Resolves once every producer answered; the caller need not wait for it. */
  async start(producers: readonly Producer[] = Producers): Promise<void> {
    this.stopped = false;
    const unanswered: Producer[] = [];
    for (const producer of producers) {
      const listing = await this.client.list(producer);
      if (!listing.available) {
        unanswered.push(producer);
        continue;
      }
      for (const subscription of listing.subscriptions.filter((s) => s.registeredAt)) {
        await this.drain
          .add(subscription.name)
          .catch((error: Error) => this.logger.warn(`cannot drain the DLQ of ${subscription.name}: ${error.message}`));
      }
    }
    if (unanswered.length > 0 && !this.stopped) {
      await new Promise<void>((resolve) => (this.timer = setTimeout(resolve, this.retryMs)));
      if (!this.stopped) await this.start(unanswered);
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
