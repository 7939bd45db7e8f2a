import { parseQueueName } from '@app/contracts';
import { DomainError } from '@app/domain';
import { NamedOperator } from '@app/platform';
import { Logger } from '@nestjs/common';
import { registrationFor } from '@app/messaging';
import { ConsumerQueueCheck } from './consumer-queue-check';
import { ProducerSubscriptionsClient, SubscriptionRegistrationBody } from './producer-subscriptions.client';
import { DeadLetterQueues } from './registered-dead-letter-queues';
import { producerOf } from './subscriptions.service';

/**
 * Adds and removes a consumer of a producer's events at run time. The broker side (its user,
 * permissions and queues) is the provisioning's, with the administrator's rights; Ops checks it is
 * there, then asks the producer for the subscription, whose relay delivers to it without a restart.
 */
export class ConsumerRegistrationService {
  private readonly logger = new Logger('ConsumerRegistrationService');

  constructor(
    private readonly client: ProducerSubscriptionsClient,
    private readonly queues: ConsumerQueueCheck,
    private readonly deadLetters: DeadLetterQueues,
  ) {}

  async register(body: SubscriptionRegistrationBody, operator: NamedOperator): Promise<unknown> {
    const producer = producerOf(body.name);
    // The producer checks it again; checked here first, a wrong request is not answered "not provisioned".
    registrationFor(producer, body);
    await this.queues.assertProvisioned(body.name, parseQueueName(body.name)!.consumer, producer);
    const answer = await this.client.register(producer, body, operator);
    // The subscription exists by now: a DLQ Ops cannot drain yet is worth a warning, not a failed request.
    await this.deadLetters
      .add(body.name)
      .catch((error: Error) => this.logger.warn(`cannot drain the DLQ of ${body.name}: ${error.message}`));
    return answer;
  }

  /** Deletes the subscription once `confirm` repeats its name: the cursor and filter are gone for good. */
  async remove(name: string, confirm: string | undefined, operator: NamedOperator): Promise<unknown> {
    if (confirm !== name) {
      throw new DomainError(
        'validation',
        'CONFIRMATION_REQUIRED',
        `Removing deletes the subscription; send {"confirm": "${name}"} to go ahead`,
      );
    }
    const producer = producerOf(name);
    await this.client.remove(producer, name, operator);
    await this.deadLetters.remove(name);
    return {
      name,
      removed: true,
      // Deleting queues takes the broker administrator, which Ops does not hold.
      next: `npm run provision -- --remove-consumer ${parseQueueName(name)!.consumer} --yes deletes its queues and broker user`,
    };
  }
}
