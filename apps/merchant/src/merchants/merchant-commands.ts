import { CommandPath, CommitSignal } from '@app/eventstore';
import { Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MerchantCommand } from './domain/merchant.commands';
import { MerchantState, merchantDecider } from './domain/merchant.decider';
import { MerchantEvent } from './domain/merchant.events';

/** The merchant aggregate's command path: stream `merchant-<id>` in the `merchant` schema. */
export class MerchantCommands extends CommandPath<MerchantState, MerchantCommand, MerchantEvent> {}

/** One stream per merchant however its uuid is spelled: stream ids compare as text. */
export const merchantStreamId = (id: string): string => `merchant-${id.toLowerCase()}`;

export const merchantCommandsProvider: Provider = {
  provide: MerchantCommands,
  inject: [getDataSourceToken(), CommitSignal],
  useFactory: (dataSource: DataSource, signal: CommitSignal) =>
    new MerchantCommands(dataSource, { schema: 'merchant', decider: merchantDecider, signal }),
};
