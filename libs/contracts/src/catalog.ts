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
    'CheckoutAbandoned',
    'CheckoutCompleted',
    'CheckoutCompensated',
    'CheckoutRejected',
  ],
  fraud: ['FraudAssessed'],
} as const;

export type Producer = keyof typeof EventCatalog;

/**
 * `true` when the producer's catalogued wire names are exactly the `type`s of its event union, else
 * `never`. Each producer's events file states `const wireNames: CatalogMatches<'account', AccountEvent> = true`,
 * so a name added to, dropped from or misspelt in either list fails to compile.
 */
export type CatalogMatches<P extends Producer, E extends { type: string }> = [(typeof EventCatalog)[P][number]] extends [E['type']]
  ? [E['type']] extends [(typeof EventCatalog)[P][number]]
    ? true
    : never
  : never;
export const Producers = Object.keys(EventCatalog) as Producer[];

export const isCatalogued = (producer: string, type: string): boolean =>
  (EventCatalog as Record<string, readonly string[]>)[producer]?.includes(type) ?? false;
