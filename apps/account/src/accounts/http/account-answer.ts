import { CommandResult } from '@app/eventstore';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AccountState } from '../domain/account.decider';

/** What a command on the account answers: the state it left, straight from the stream (not the read model). */
export class AccountCommandAnswer {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['active', 'locked'] }) status: 'active' | 'locked';
  @ApiProperty() limit: number;
  @ApiProperty() balance: number;
  @ApiProperty() currency: string;
  @ApiProperty() vip: boolean;
  @ApiProperty({ type: [String] }) phoneNumbers: string[];
  @ApiProperty({ description: 'The stream version after the command' }) version: number;
}

export class TransactionAnswer {
  @ApiProperty() transactionId: string;
  @ApiProperty({ description: 'Available funds after this transaction' }) balance: number;
}

/** What cancelling a transaction did: refunded its charge, or recorded it cancelled before any charge. */
export class CancelledTransactionAnswer {
  @ApiProperty() transactionId: string;
  @ApiProperty({ enum: ['refunded', 'cancelled'] }) outcome: 'refunded' | 'cancelled';
  @ApiPropertyOptional({ description: 'Available funds after the refund' }) balance?: number;
}

export const answerOf = ({ state, version }: CommandResult<AccountState>): AccountCommandAnswer => ({
  id: state.id,
  status: state.status,
  limit: state.limit,
  balance: state.balance,
  currency: state.currency,
  vip: state.vip,
  phoneNumbers: state.phoneNumbers,
  version,
});
