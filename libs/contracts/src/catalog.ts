/**
 * The wire names of every event each producer publishes. A consumer that receives a type not
 * listed for its producer treats it as a contract violation (dead letter); a listed type it has
 * no handler for is acknowledged and skipped.
 */
export const EventCatalog = {
  account: [
    'AccountOpened',
    'LimitUpdated',
    'LimitChanged',
    'AddressUpdated',
    'PhoneNumberAdded',
    'StatusChanged',
    'VipStatusGranted',
    'VipStatusRevoked',
    'ItemPurchased',
    'PurchaseRefunded',
  ],
  merchant: ['MerchantOnboarded', 'BankAccountChanged', 'MerchantSuspended', 'MerchantReinstated'],
  checkout: [
    'CheckoutStarted',
    'PaymentAuthorised',
    'AccountCharged',
    'PaymentCaptured',
    'PaymentCaptureFailed',
    'CheckoutCompleted',
    'CheckoutCompensated',
    'CheckoutRejected',
  ],
  fraud: ['FraudAssessed'],
} as const;

export type Producer = keyof typeof EventCatalog;
export const Producers = Object.keys(EventCatalog) as Producer[];

export const isCatalogued = (producer: string, type: string): boolean =>
  (EventCatalog as Record<string, readonly string[]>)[producer]?.includes(type) ?? false;
