import { ApiProperty } from '@nestjs/swagger';
import type { AccountView } from '../projections/account-view.repository';
import type { CountryStats } from '../projections/country-stats.repository';

/** What opening an account answers. */
export class OpenedAccountAnswer {
  @ApiProperty({ format: 'uuid' }) id: string;
}

export class AddressAnswer {
  @ApiProperty() street: string;
  @ApiProperty() city: string;
  @ApiProperty() zip: string;
}

/** The account read model, as `GET /accounts/:id` answers it. */
export class AccountViewAnswer implements AccountView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ example: 'DE' }) country: string;
  @ApiProperty({ type: AddressAnswer }) address: AddressAnswer;
  @ApiProperty({ type: [String] }) phoneNumbers: string[];
  @ApiProperty({ description: 'Credit limit in minor units' }) limit: number;
  @ApiProperty({ description: 'Available funds in minor units' }) balance: number;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ enum: ['active', 'locked'] }) status: 'active' | 'locked';
  @ApiProperty() vip: boolean;
  @ApiProperty({ description: 'The stream version this view reflects' }) version: number;
}

/** One event of the account's stream. */
export class AccountEventAnswer {
  @ApiProperty({ description: 'Stream version' }) version: number;
  @ApiProperty({ example: 'AccountOpened' }) type: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ description: 'Position in the producer’s event table, as a decimal string' }) globalPosition: string;
  @ApiProperty() schemaVersion: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
}

export class CountryStatsAnswer implements CountryStats {
  @ApiProperty({ example: 'DE' }) country: string;
  @ApiProperty() totalAccounts: number;
  @ApiProperty({ description: 'Sum of the limits, in minor units' }) combinedLimit: number;
}
