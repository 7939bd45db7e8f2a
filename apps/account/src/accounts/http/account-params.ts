import { ParseUUIDPipe } from '@nestjs/common';
import { ProblemException } from '@app/platform';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { TRANSACTION_ID, TRANSACTION_ID_RULE } from './purchase-item.dto';

/** `:id` must be a UUID; anything else is answered 400 INVALID_ACCOUNT_ID before any lookup. */
export const accountIdPipe = new ParseUUIDPipe({
  exceptionFactory: () => new ProblemException(400, 'INVALID_ACCOUNT_ID', 'The account id must be a UUID'),
});

/** Validates `:transactionId` with the same rule as the purchase body. */
export function assertTransactionId(transactionId: string): string {
  if (!TRANSACTION_ID.test(transactionId)) throw new ProblemException(400, 'INVALID_TRANSACTION_ID', TRANSACTION_ID_RULE);
  return transactionId;
}

export const MAX_EVENTS_PAGE = 1_000;

export class EventsPageQuery {
  @ApiProperty({
    required: false,
    description: 'Return events after this stream version',
    default: 0,
    type: 'integer',
    minimum: 0,
    maximum: 2_147_483_647,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  afterVersion?: number;

  @ApiProperty({
    required: false,
    description: `Page size, at most ${MAX_EVENTS_PAGE}`,
    default: MAX_EVENTS_PAGE,
    type: 'integer',
    minimum: 1,
    maximum: MAX_EVENTS_PAGE,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_EVENTS_PAGE)
  limit?: number;
}
