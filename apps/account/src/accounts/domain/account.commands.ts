import { Command } from '@app/domain';
import { AccountOpened } from './account.events';

export type OpenAccount = Command<'OpenAccount', AccountOpened['data']>;
export type UpdateLimit = Command<'UpdateLimit', { id: string; newLimit: number }>;

export type AccountCommand = OpenAccount | UpdateLimit;
