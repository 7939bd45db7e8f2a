import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { WebhookDeliveryAnswer } from '../http/webhook-endpoints.dto';

/** The most deliveries one replay request names. */
export const MAX_REPLAYED = 500;

export class FailedDeliveriesQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only this merchant’s' })
  @IsOptional()
  @IsUUID('all')
  merchantId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only this endpoint’s' })
  @IsOptional()
  @IsUUID('all')
  endpointId?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'The previous page’s nextCursor, with the same filters', pattern: '^[A-Za-z0-9_-]{1,200}$' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/)
  cursor?: string;
}

export class ReplayFailedDeliveriesDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: MAX_REPLAYED, description: 'Failed deliveries to send again' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(MAX_REPLAYED)
  @IsUUID('all', { each: true })
  ids: string[];
}

export class FailedDeliveryAnswer extends WebhookDeliveryAnswer {
  @ApiProperty({ format: 'uuid' }) merchantId: string;
  @ApiProperty({ format: 'uuid' }) endpointId: string;
  @ApiProperty() endpointUrl: string;
  @ApiProperty({ enum: ['enabled', 'disabled'], description: 'A replay to a disabled endpoint waits until it is enabled' })
  endpointState: string;
}

export class FailedDeliveriesPageAnswer {
  @ApiProperty({ type: [FailedDeliveryAnswer] }) items: FailedDeliveryAnswer[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last page' })
  nextCursor: string | null;
}

export class ReplayedFailedDeliveriesAnswer {
  @ApiProperty({ type: [String], format: 'uuid', description: 'Sent again from a fresh retry schedule' }) replayed: string[];
  @ApiProperty({ type: [String], format: 'uuid', description: 'Of those, the ones whose endpoint is disabled: sent once it is enabled' })
  waitingForEndpoint: string[];
  @ApiProperty({ type: [String], format: 'uuid', description: 'Not failed deliveries (unknown, pending or delivered): left as they are' })
  skipped: string[];
}
