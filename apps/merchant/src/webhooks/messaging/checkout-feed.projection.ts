import { ContractEvent } from '@app/contracts';
import { defineProjection } from '@app/messaging';
import { EntityManager } from 'typeorm';
import { salesLedger, salesRecorded } from '../../merchants/projections/sales-ledger.projection';
import { checkoutsFinished, checkoutsStarted } from './webhook-notifications.statements';

/**
 * Everything Merchant does with `merchant.checkout-events`: the sales ledger and the webhook
 * notifications. One queue, as handlers are keyed by producer and type: recording a notification is
 * one insert in the consumer's transaction; the sending happens outside it (DeliveryWorker), so a
 * slow endpoint never holds the queue. A rebuild drops the ledger only: a notification is never
 * recorded twice (stable ids) and never for an endpoint registered after its event.
 */
export const checkoutFeed = defineProjection({
  name: 'CheckoutFeed',
  consumer: 'merchant',
  producer: 'checkout',
  tables: salesLedger.tables,
  statements: {
    CheckoutStarted: { batch: checkoutsStarted },
    CheckoutCompleted: {
      batch: async (manager: EntityManager, events: readonly ContractEvent<'checkout', 'CheckoutCompleted'>[]) => {
        await salesRecorded(manager, events);
        await checkoutsFinished(manager, events);
      },
    },
    CheckoutRejected: { batch: checkoutsFinished },
    CheckoutCompensated: { batch: checkoutsFinished },
  },
});
