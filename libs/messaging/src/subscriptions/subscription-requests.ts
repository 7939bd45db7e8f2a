import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

// The bodies of a producer's operator routes under /subscriptions; Ops takes the same ones and passes them on.

export class RewindSubscriptionDto {
  @ApiProperty({
    description: 'Re-deliver every event after this global position; 0 rebuilds the consumer',
    type: 'integer',
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
  })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  toPosition: number;
}

export class RedeliverStreamDto {
  @ApiProperty({ description: 'The stream to deliver again, e.g. account-<uuid>', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  streamId: string;

  @ApiProperty({ description: 'Its first version to deliver again: the missing version a GAP_TIMEOUT names', type: 'integer', minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  fromVersion: number;
}

export class RegisterSubscriptionDto {
  @ApiProperty({ description: 'The consumer queue, <consumer>.<producer>-events', example: 'bi.account-events', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ description: 'The event types it receives; omitted or empty: every type', type: [String], maxItems: 100 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  eventTypes?: string[];

  @ApiProperty({
    description: 'Where it starts: 0 for all history, a global position, or "now"',
    example: '0',
    pattern: '^([Nn][Oo][Ww]|[0-9]{1,16})$',
  })
  @IsString()
  @Matches(/^(now|\d{1,16})$/i)
  from: string;

  @ApiPropertyOptional({
    description: 'Events a second the backfill may deliver into this queue alone; omitted: full speed',
    type: 'integer',
    minimum: 1,
    maximum: 1_000_000,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  backfillRatePerSecond?: number;
}
