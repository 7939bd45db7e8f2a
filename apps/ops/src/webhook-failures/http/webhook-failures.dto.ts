import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';

/** As many as Merchant takes in one replay. */
const MAX_REPLAYED = 500;

export class WebhookFailuresQuery {
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

export class ReplayWebhookFailuresDto {
  @ApiProperty({ type: [String], format: 'uuid', minItems: 1, maxItems: MAX_REPLAYED, description: 'Failed deliveries to send again' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(MAX_REPLAYED)
  @IsUUID('all', { each: true })
  ids: string[];
}

/** Merchant's answer, passed on. */
export class WebhookFailureAnswer {
  @ApiProperty({ format: 'uuid', description: 'The notification id, sent as Checkout-Webhook-Id' }) id: string;
  @ApiProperty({ format: 'uuid' }) merchantId: string;
  @ApiProperty({ format: 'uuid' }) endpointId: string;
  @ApiProperty() endpointUrl: string;
  @ApiProperty({ enum: ['enabled', 'disabled'], description: 'A replay to a disabled endpoint waits until it is enabled' })
  endpointState: string;
  @ApiProperty({ example: 'checkout.completed' }) eventType: string;
  @ApiPropertyOptional({ format: 'uuid' }) checkoutId?: string;
  @ApiProperty({ enum: ['failed'] }) status: string;
  @ApiProperty({ type: 'integer' }) attempts: number;
  @ApiPropertyOptional({ format: 'date-time', description: 'When it failed for good' }) lastAttemptAt?: string;
  @ApiPropertyOptional({ type: 'integer' }) lastStatusCode?: number;
  @ApiPropertyOptional() lastError?: string;
  @ApiPropertyOptional({ type: 'integer' }) lastLatencyMs?: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class WebhookFailuresPageAnswer {
  @ApiProperty({ type: [WebhookFailureAnswer] }) items: WebhookFailureAnswer[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last page' })
  nextCursor: string | null;
}

export class ReplayedWebhookFailuresAnswer {
  @ApiProperty({ type: [String], format: 'uuid', description: 'Sent again from a fresh retry schedule' }) replayed: string[];
  @ApiProperty({ type: [String], format: 'uuid', description: 'Of those, the ones whose endpoint is disabled: sent once it is enabled' })
  waitingForEndpoint: string[];
  @ApiProperty({ type: [String], format: 'uuid', description: 'Not failed deliveries (unknown, pending or delivered): left as they are' })
  skipped: string[];
}
