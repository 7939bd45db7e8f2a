import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhook-notification';

/** The longest overlap of a rotation: a week. */
export const MAX_OVERLAP_HOURS = 168;

export class CreateWebhookEndpointDto {
  @ApiProperty({
    description:
      'Where to POST notifications: https (plain http only to loopback in development mode), at most 2,048 characters, never a private address',
    maxLength: 4096,
    example: 'https://shop.example/webhooks/checkout',
  })
  @IsString()
  @MaxLength(4096)
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, description: 'The notifications this endpoint receives' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events: string[];
}

export class RotateSecretDto {
  @ApiProperty({
    description:
      'How long the old secret keeps signing beside the new one, in hours (both v1 signatures are sent meanwhile; 0 ends it at once)',
    minimum: 0,
    maximum: MAX_OVERLAP_HOURS,
    example: 24,
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_OVERLAP_HOURS)
  overlapHours: number;
}

export class ReplayDeliveriesDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: 1000,
    description: 'The deliveries to send again; absent: every failed one',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  deliveryIds?: string[];
}

export class DeliveriesQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'delivered', 'failed'] })
  @IsOptional()
  @IsIn(['pending', 'delivered', 'failed'])
  status?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class WebhookEndpointAnswer {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) events: string[];
  @ApiProperty({ enum: ['enabled', 'disabled'] }) state: string;
  @ApiPropertyOptional({ enum: ['merchant', 'operator', 'failing'], description: 'Who or what disabled it' }) disabledReason?: string;
  @ApiPropertyOptional({ format: 'date-time' }) disabledAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Failing without a success since then' }) failingSince?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Until when the previous secret still signs too' })
  previousSecretExpiresAt?: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class WebhookEndpointWithSecretAnswer extends WebhookEndpointAnswer {
  @ApiProperty({ description: 'The signing secret (whsec_…): shown this once', example: 'whsec_0bX…' }) secret: string;
}

export class WebhookEndpointsAnswer {
  @ApiProperty({ type: [WebhookEndpointAnswer] }) items: WebhookEndpointAnswer[];
}

export class WebhookDeliveryAnswer {
  @ApiProperty({ format: 'uuid', description: 'The notification id, sent as Checkout-Webhook-Id' }) id: string;
  @ApiProperty({ example: 'checkout.completed' }) eventType: string;
  @ApiPropertyOptional({ format: 'uuid' }) checkoutId?: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status: string;
  @ApiProperty({ type: 'integer' }) attempts: number;
  @ApiPropertyOptional({ format: 'date-time' }) nextAttemptAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) lastAttemptAt?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'The HTTP status of the last answer' }) lastStatusCode?: number;
  @ApiPropertyOptional({ description: 'Why the last attempt failed' }) lastError?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'How long the last attempt took' }) lastLatencyMs?: number;
  @ApiPropertyOptional({ format: 'date-time' }) deliveredAt?: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class WebhookDeliveriesAnswer {
  @ApiProperty({ type: [WebhookDeliveryAnswer] }) items: WebhookDeliveryAnswer[];
}

export class ReplayedDeliveriesAnswer {
  @ApiProperty({ type: [String], format: 'uuid' }) replayed: string[];
}
