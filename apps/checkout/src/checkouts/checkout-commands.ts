import { CommandPath, CommitSignal } from '@app/eventstore';
import { Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CheckoutCommand } from './domain/checkout.commands';
import { CheckoutState, checkoutDecider } from './domain/checkout.decider';
import { CheckoutEvent } from './domain/checkout.events';

/** The checkout process' command path: stream `checkout-<id>` in the `checkout` schema. */
export class CheckoutCommands extends CommandPath<CheckoutState, CheckoutCommand, CheckoutEvent> {}

export const checkoutStreamId = (id: string): string => `checkout-${id}`;

export const checkoutCommandsProvider: Provider = {
  provide: CheckoutCommands,
  inject: [getDataSourceToken(), CommitSignal],
  useFactory: (dataSource: DataSource, signal: CommitSignal) =>
    new CheckoutCommands(dataSource, { schema: 'checkout', decider: checkoutDecider, signal }),
};
