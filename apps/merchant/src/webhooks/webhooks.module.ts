import { provideAggregate } from '@app/eventstore';
import { projectionController } from '@app/messaging';
import { Module } from '@nestjs/common';
import { merchantAggregate } from '../merchants/merchant.aggregate';
import { DeliveryWorker } from './delivery/delivery.worker';
import { WebhookDeliveriesRepository } from './delivery/webhook-deliveries.repository';
import { WebhookEndpointsController } from './http/webhook-endpoints.controller';
import { WebhookEndpointsRepository } from './http/webhook-endpoints.repository';
import { checkoutFeed } from './messaging/checkout-feed.projection';
import { FailedDeliveriesController } from './operator/failed-deliveries.controller';
import { FailedDeliveriesRepository } from './operator/failed-deliveries.repository';

/**
 * Signed webhooks: the endpoints' routes, the consumer of `merchant.checkout-events` (which also
 * feeds the sales ledger) that records one delivery per notification and endpoint, and the worker
 * that sends them; operators list and replay failed deliveries across merchants.
 */
@Module({
  controllers: [WebhookEndpointsController, FailedDeliveriesController, projectionController(checkoutFeed)],
  providers: [
    provideAggregate(merchantAggregate),
    WebhookEndpointsRepository,
    WebhookDeliveriesRepository,
    FailedDeliveriesRepository,
    DeliveryWorker,
  ],
})
export class WebhooksModule {}
