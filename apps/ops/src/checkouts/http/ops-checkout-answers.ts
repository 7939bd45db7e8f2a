import type { UnfinishedCheckout, UnfinishedCheckouts } from '@app/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class UnfinishedCheckoutAnswer implements UnfinishedCheckout {
  @ApiProperty({ format: 'uuid' }) checkoutId: string;
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty() ageSeconds: number;
  @ApiProperty({ type: 'integer' }) attempts: number;
  @ApiProperty({ type: String, nullable: true }) step: string | null;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ format: 'date-time' }) nextAttemptAt: string;
  @ApiProperty({ description: 'Past its deadline: the worker compensates it instead of retrying the step' }) overdue: boolean;
}

/** Checkout's answer, passed on. */
export class UnfinishedCheckoutsAnswer implements UnfinishedCheckouts {
  @ApiProperty({ type: 'integer' }) count: number;
  @ApiProperty() oldestAgeSeconds: number;
  @ApiProperty({ type: [UnfinishedCheckoutAnswer] }) checkouts: UnfinishedCheckoutAnswer[];
}

export class CompensationAnswer {
  @ApiProperty() refunded: boolean;
  @ApiProperty() voided: boolean;
}

/** Checkout's answer to the compensation, passed on: final (rejected), or pending while the worker goes on. */
export class CompensatedCheckoutAnswer {
  @ApiProperty({ format: 'uuid' }) checkoutId: string;
  @ApiProperty({ enum: ['completed', 'rejected', 'pending'] }) status: string;
  @ApiPropertyOptional({ example: 'OPERATOR_COMPENSATED' }) reason?: string;
  @ApiPropertyOptional({ type: [String] }) details?: string[];
  @ApiPropertyOptional({ type: CompensationAnswer }) compensation?: CompensationAnswer;
  @ApiPropertyOptional({ description: 'In minor units; absent while pending' }) total?: number;
  @ApiPropertyOptional({ description: 'Absent while pending' }) currency?: string;
}
