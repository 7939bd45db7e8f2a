import { Command } from '@app/domain';
import { AccountAddress, AccountOpened, ItemPurchased } from './account.events';
import { PurchaseRecord } from './purchase-ledger';

export type OpenAccount = Command<'OpenAccount', AccountOpened['data']>;
export type UpdateLimit = Command<'UpdateLimit', { id: string; newLimit: number }>;
/** Without a country, the address stays in the country the account's address is in. */
export type UpdateAddress = Command<'UpdateAddress', { id: string; address: AccountAddress }>;
export type AddPhoneNumber = Command<'AddPhoneNumber', { id: string; phoneNumber: string }>;
export type LockAccount = Command<'LockAccount', { id: string }>;
export type UnlockAccount = Command<'UnlockAccount', { id: string }>;
export type GrantVipStatus = Command<'GrantVipStatus', { id: string }>;
/**
 * `recorded` is the stored record of this transactionId when the caller looked it up: the state
 * only holds recent purchases, so a retry or refund of an older one needs it.
 */
export type PurchaseItem = Command<'PurchaseItem', Omit<ItemPurchased['data'], 'balanceAfter'> & { recorded?: PurchaseRecord }>;
export type RefundPurchase = Command<'RefundPurchase', { id: string; transactionId: string; recorded?: PurchaseRecord }>;

export type AccountCommand =
  OpenAccount | UpdateLimit | UpdateAddress | AddPhoneNumber | LockAccount | UnlockAccount | GrantVipStatus | PurchaseItem | RefundPurchase;
