import { CatalogMatches, EventData, EventTypeOf } from '@app/contracts';
import { Message } from '@app/domain';

/** The data of each merchant event is defined once, as its published schema (libs/contracts EventSchemas). */
type Data<T extends EventTypeOf<'merchant'>> = EventData<'merchant', T>;

export type MerchantOnboarded = Message<'MerchantOnboarded', Data<'MerchantOnboarded'>>;
export type BankAccountChanged = Message<'BankAccountChanged', Data<'BankAccountChanged'>>;
export type MerchantSuspended = Message<'MerchantSuspended', Data<'MerchantSuspended'>>;
export type MerchantReinstated = Message<'MerchantReinstated', Data<'MerchantReinstated'>>;

/** Every event of the merchant stream; wire names are these `type` strings. */
export type MerchantEvent = MerchantOnboarded | BankAccountChanged | MerchantSuspended | MerchantReinstated;

/** Compiles only while EventCatalog.merchant lists exactly these wire names. */
export const merchantWireNames: CatalogMatches<'merchant', MerchantEvent> = true;
