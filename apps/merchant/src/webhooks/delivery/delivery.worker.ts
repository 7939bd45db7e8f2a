import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { nextAttemptAt, shouldDisable } from '../domain/retry-schedule';
import { webhooksConfig } from '../webhooks.config';
import { deliveryWake } from './delivery-wake';
import { sendTraced } from './traced-send';
import { LeasedEndpoint, WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { failureReason, registerWebhookMetrics, webhookMetrics } from './webhook.metrics';
import { WebhookSender } from './webhook-sender';

/** Deliveries one lease sends at most, each within the timeout, so a lease never runs out mid-send. */
const PER_LEASE = 10;
/** After a failed attempt, an endpoint's other due deliveries wait this long. */
const FAILURE_COOLDOWN_MS = 1_000;

/**
 * Sends due deliveries. Each endpoint is a lane of its own, leased in the database, with one request
 * in flight at a time: a slow or failing endpoint occupies one of `concurrency` lanes and delays only
 * its own deliveries, never another merchant's nor the consumer (which only records rows). A failed
 * attempt ends the lane's turn, so an endpoint that is down costs one attempt per poll.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryWorker.name);
  private readonly config = webhooksConfig();
  private readonly sender = new WebhookSender(this.config.target, this.config.timeoutMs);
  private readonly leaseMs = this.config.timeoutMs * (PER_LEASE + 2);
  private readonly lanes = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private pollAgain = false;
  private stopped = false;

  constructor(private readonly deliveries: WebhookDeliveriesRepository) {}

  onApplicationBootstrap(): void {
    registerWebhookMetrics(() => this.deliveries.backlog());
    deliveryWake.listen(() => this.soon(5));
    this.soon(this.config.pollMs);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    deliveryWake.listen(undefined);
    clearTimeout(this.timer);
    await Promise.allSettled(this.lanes.values());
    await this.sender.close();
  }

  private soon(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), delayMs);
  }

  private async poll(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = true;
    try {
      const free = this.config.concurrency - this.lanes.size;
      if (free > 0) {
        const leased = await this.deliveries.leaseEndpoints(free, this.leaseMs, [...this.lanes.keys()]);
        for (const endpoint of leased) this.lanes.set(endpoint.id, this.lane(endpoint));
      }
    } catch (error) {
      this.logger.warn(`webhook poll failed: ${(error as Error).message}`);
    } finally {
      this.polling = false;
      this.soon(this.pollAgain ? 0 : this.config.pollMs);
      this.pollAgain = false;
    }
  }

  private async lane(endpoint: LeasedEndpoint): Promise<void> {
    let failed = false;
    try {
      const now = new Date();
      const secrets = [
        endpoint.secret,
        ...(endpoint.previousSecret && endpoint.previousSecretUntil! > now ? [endpoint.previousSecret] : []),
      ];
      for (const delivery of await this.deliveries.dueDeliveries(endpoint.id, PER_LEASE)) {
        if (this.stopped) break;
        const result = await sendTraced(delivery, endpoint.id, () =>
          this.sender.send({ id: delivery.id, eventType: delivery.eventType, url: endpoint.url, body: delivery.body, secrets }),
        );
        if (result.ok) {
          await this.deliveries.delivered(endpoint.id, delivery.id, result);
          continue;
        }
        const at = new Date();
        const retryAt = nextAttemptAt(this.config.retrySchedule, delivery.attempts + 1, at);
        const disable = shouldDisable(endpoint.failingSince ?? at, at, this.config.disableAfterMs);
        await this.deliveries.failed(endpoint.id, delivery.id, result, retryAt, disable);
        webhookMetrics.attemptFailed(failureReason(result.statusCode, result.error));
        failed = true;
        if (!retryAt) webhookMetrics.exhausted();
        if (disable) {
          webhookMetrics.disabled();
          this.logger.warn(`webhook endpoint ${endpoint.id} disabled: failing since ${(endpoint.failingSince ?? at).toISOString()}`);
        }
        break;
      }
    } catch (error) {
      failed = true;
      this.logger.warn(`webhook delivery to endpoint ${endpoint.id} failed: ${(error as Error).message}`);
    } finally {
      await this.deliveries.releaseEndpoint(endpoint.id, failed ? FAILURE_COOLDOWN_MS : 0).catch(() => undefined);
      this.lanes.delete(endpoint.id);
      if (!failed) this.soon(0);
    }
  }
}
