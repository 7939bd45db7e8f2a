import { IsTimestamp, TIMESTAMP_PATTERN } from '@app/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export class OperatorActionsQueryDto {
  @ApiPropertyOptional({ description: 'Who acted: an operator name, `bootstrap` or `unauthenticated`', example: 'ada' })
  @IsOptional()
  @IsString()
  operator?: string;
  @ApiPropertyOptional({ example: 'dead-letter.replay' }) @IsOptional() @IsString() action?: string;
  @ApiPropertyOptional({ description: 'What it was done to: a dead letter id, a queue, a checkout id…', example: '42' })
  @IsOptional()
  @IsString()
  target?: string;
  @ApiPropertyOptional({ description: 'Only actions after this instant (ISO 8601)', pattern: TIMESTAMP_PATTERN })
  @IsOptional()
  @IsTimestamp()
  after?: string;
  @ApiPropertyOptional({ description: 'Only actions before this instant (ISO 8601)', pattern: TIMESTAMP_PATTERN })
  @IsOptional()
  @IsTimestamp()
  before?: string;
  @ApiPropertyOptional({ default: 50, type: 'integer', minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' }) @IsOptional() @IsString() cursor?: string;
}

/** One request to an Ops action. */
export class OperatorActionAnswer {
  @ApiProperty({ description: 'Decimal string' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ description: 'The authenticated operator (never a header), or `unauthenticated`', example: 'ada' }) actor: string;
  @ApiProperty({ example: 'dead-letter.replay' }) action: string;
  @ApiProperty({ example: '42' }) target: string;
  @ApiProperty({ type: 'integer', description: 'The HTTP status Ops answered', example: 200 }) outcome: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Method, request body (up to 4 KiB) and problem code' })
  detail: Record<string, unknown>;
}

/** A page of operator actions, newest first. */
export class OperatorActionsPageAnswer {
  @ApiProperty({ type: [OperatorActionAnswer] }) items: OperatorActionAnswer[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last' }) nextCursor:
    string | null;
}
