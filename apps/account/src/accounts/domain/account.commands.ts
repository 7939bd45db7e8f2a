import { Command } from '@app/domain';
import { AccountOpened, Address, ItemPurchased } from './account.events';

export type OpenAccount = Command<'OpenAccount', AccountOpened['data']>;
export type UpdateLimit = Command<'UpdateLimit', { id: string; newLimit: number }>;
export type UpdateAddress = Command<'UpdateAddress', { id: string; address: Address }>;
export type AddPhoneNumber = Command<'AddPhoneNumber', { id: string; phoneNumber: string }>;
export type LockAccount = Command<'LockAccount', { id: string }>;
export type UnlockAccount = Command<'UnlockAccount', { id: string }>;
export type GrantVipStatus = Command<'GrantVipStatus', { id: string }>;
export type PurchaseItem = Command<'PurchaseItem', Omit<ItemPurchased['data'], 'balanceAfter'>>;
export type RefundPurchase = Command<'RefundPurchase', { id: string; transactionId: string }>;

export type AccountCommand =
  | OpenAccount
  | UpdateLimit
  | UpdateAddress
  | AddPhoneNumber
  | LockAccount
  | UnlockAccount
  | GrantVipStatus
  | PurchaseItem
  | RefundPurchase;
