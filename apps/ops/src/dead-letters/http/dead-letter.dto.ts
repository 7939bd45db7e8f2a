import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

const STATUSES = ['dead', 'replayed', 'archived', 'superseded'] as const;
/** An edited body no bigger than a message a producer would send. */
const MAX_EDITED_BODY = 1_000_000;

export class ListDeadLettersQuery {
  @ApiPropertyOptional({ description: 'Original queue, e.g. fraud.account-events' })
  @IsOptional()
  @IsString()
  queue?: string;

  @ApiPropertyOptional({ description: 'Event type; empty for messages without one' })
  @IsOptional()
  @IsString()
  type?: string;

  @ApiPropertyOptional({ description: 'Error code, e.g. SCHEMA_VIOLATION' })
  @IsOptional()
  @IsString()
  code?: string;

  @ApiPropertyOptional({ description: 'Free text within type, error code, error message, stream id and message id (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({ description: 'Last failed at or after this instant', format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Last failed before this instant', format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: "The previous page's nextCursor (opaque); the first page has none" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ enum: [...STATUSES, 'all'], default: 'dead' })
  @IsOptional()
  @IsIn([...STATUSES, 'all'])
  status?: (typeof STATUSES)[number] | 'all';

  @ApiPropertyOptional({ default: 50, type: 'integer', minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({
    description: "Page after this id (the previous page's nextAfter); prefer cursor",
    type: 'integer',
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;
}

/** `<consumer>.<producer>-events`, as `parseQueueName` reads it; run-time consumers' queues included. */
const CONSUMER_QUEUE = /^[a-z0-9-]+\.[a-z-]+-events$/;
const CONSUMER_QUEUE_MESSAGE = 'queue must be a consumer queue name, <consumer>.<producer>-events';

export class ParkedQuery {
  @ApiPropertyOptional({ description: 'Only this consumer queue, e.g. fraud.account-events', pattern: CONSUMER_QUEUE.source })
  @IsOptional()
  @Matches(CONSUMER_QUEUE, { message: CONSUMER_QUEUE_MESSAGE })
  queue?: string;
}

export class GroupsQuery {
  @ApiPropertyOptional({ enum: STATUSES, default: 'dead' })
  @IsOptional()
  @IsIn(STATUSES)
  status?: (typeof STATUSES)[number];
}

export class DeadLetterGroupDto {
  @ApiProperty({ description: 'Consumer queue, <consumer>.<producer>-events', pattern: CONSUMER_QUEUE.source })
  @Matches(CONSUMER_QUEUE, { message: CONSUMER_QUEUE_MESSAGE })
  queue: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null for messages without a type' })
  @IsOptional()
  @IsString()
  type?: string | null;

  @ApiProperty({ example: 'SCHEMA_VIOLATION' })
  @IsString()
  code: string;
}

/** Exactly one of `ids`, `queue`, `group` or `all`. */
export class DeadLetterSelectionDto {
  @ApiPropertyOptional({
    type: 'integer',
    isArray: true,
    minItems: 1,
    maxItems: 1000,
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(Number.MAX_SAFE_INTEGER, { each: true })
  ids?: number[];

  @ApiPropertyOptional({ description: 'Every dead letter of this queue', pattern: CONSUMER_QUEUE.source })
  @IsOptional()
  @Matches(CONSUMER_QUEUE, { message: CONSUMER_QUEUE_MESSAGE })
  queue?: string;

  @ApiPropertyOptional({ type: DeadLetterGroupDto, description: 'Every dead letter of this group' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeadLetterGroupDto)
  group?: DeadLetterGroupDto;

  @ApiPropertyOptional({ description: 'Every dead letter', type: 'boolean', enum: [true] })
  @IsOptional()
  @Equals(true)
  all?: true;
}

export class EditDeadLetterDto {
  @ApiProperty({ description: 'The corrected message body (the event envelope as JSON text); checked against its schema version' })
  @IsString()
  @MaxLength(MAX_EDITED_BODY)
  body: string;
}
