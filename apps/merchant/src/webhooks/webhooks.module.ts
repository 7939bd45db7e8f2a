import { provideAggregate } from '@app/eventstore';
import { projectionController } from '@app/messaging';
import { Module } from '@nestjs/common';
import { merchantAggregate } from '../merchants/merchant.aggregate';
import { DeliveryWorker } from './delivery/delivery.worker';
import { WebhookDeliveriesRepository } from './delivery/webhook-deliveries.repository';
import { WebhookEndpointsController } from './http/webhook-endpoints.controller';
import { WebhookEndpointsRepository } from './http/webhook-endpoints.repository';
import { checkoutFeed } from './messaging/checkout-feed.projection';

/**
 * Signed webhooks: the endpoints' routes, the consumer of `merchant.checkout-events` (which also
 * feeds the sales ledger) that records one delivery per notification and endpoint, and the worker
 * that sends them.
 */
@Module({
  controllers: [WebhookEndpointsController, projectionController(checkoutFeed)],
  providers: [provideAggregate(merchantAggregate), WebhookEndpointsRepository, WebhookDeliveriesRepository, DeliveryWorker],
})
export class WebhooksModule {}
