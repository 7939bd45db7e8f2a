import { CommandPath } from '@app/eventstore';
import { Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccountCommand } from './domain/account.commands';
import { AccountState, accountDecider } from './domain/account.decider';
import { AccountEvent } from './domain/account.events';

/** The account aggregate's command path: stream `account-<id>` in the `account` schema. */
export class AccountCommands extends CommandPath<AccountState, AccountCommand, AccountEvent> {}

export const accountStreamId = (id: string): string => `account-${id}`;

export const accountCommandsProvider: Provider = {
  provide: AccountCommands,
  inject: [getDataSourceToken()],
  useFactory: (dataSource: DataSource) => new AccountCommands(dataSource, { schema: 'account', decider: accountDecider }),
};
