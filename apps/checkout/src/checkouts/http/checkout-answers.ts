import { PUBLIC_OUTCOMES, type PublicOutcome, type UnfinishedCheckout, type UnfinishedCheckouts } from '@app/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CheckoutOutcome, PendingOutcome } from './checkout.view';

const STAGES = ['started', 'authorised', 'charged', 'capture-failed', 'compensating', 'completed', 'rejected'];
const STEPS = ['start', 'screen-and-authorise', 'charge', 'capture', 'compensate', 'done'];

export class CompensationAnswer {
  @ApiProperty() refunded: boolean;
  @ApiProperty() voided: boolean;
}

export class PublicOutcomeAnswer {
  @ApiProperty({ enum: PUBLIC_OUTCOMES }) code: PublicOutcome;
}

/** A final checkout: completed, or rejected with a reason code. */
export class CheckoutOutcomeAnswer implements CheckoutOutcome {
  @ApiProperty({ format: 'uuid' }) checkoutId: string;
  @ApiProperty({ enum: ['completed', 'rejected'] }) status: 'completed' | 'rejected';
  @ApiPropertyOptional({ example: 'INSUFFICIENT_FUNDS', description: 'The internal reason: answered to operators only' }) reason?: string;
  @ApiPropertyOptional({ type: [String], description: 'Answered to operators only' }) details?: string[];
  @ApiPropertyOptional({ type: PublicOutcomeAnswer, description: 'To a merchant: the public outcome code, as GET /checkouts/:id shows it' })
  outcome?: PublicOutcomeAnswer;
  @ApiPropertyOptional({ type: CompensationAnswer, description: 'Present when money had moved and was given back (operators only)' })
  compensation?: CompensationAnswer;
  @ApiProperty({ description: 'In minor units' }) total: number;
  @ApiProperty({ example: 'EUR' }) currency: string;
}

/** A checkout that could not finish within the request; the platform finishes it by itself. */
export class PendingCheckoutAnswer implements PendingOutcome {
  @ApiProperty({ format: 'uuid' }) checkoutId: string;
  @ApiProperty({ enum: ['pending'] }) status: 'pending';
}

export class LineItemAnswer {
  @ApiProperty() sku: string;
  @ApiProperty({ type: 'integer' }) quantity: number;
  @ApiProperty({ type: 'integer' }) unitPrice: number;
}

export class CheckoutStepAnswer {
  @ApiProperty({ example: 'CheckoutStarted' }) step: string;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
}

/** `GET /checkouts/:id`: the checkout as its steps left it, the steps, and while pending its schedule. */
export class CheckoutViewAnswer {
  @ApiProperty({ format: 'uuid' }) checkoutId: string;
  @ApiProperty({ enum: ['completed', 'rejected', 'pending'] }) status: string;
  @ApiProperty({ enum: STAGES }) stage: string;
  @ApiProperty({ enum: STEPS, description: 'The next step; done once final' }) step: string;
  @ApiPropertyOptional({ description: 'While pending: why the last attempt failed' }) lastError?: string;
  @ApiPropertyOptional({ type: 'integer' }) attempts?: number;
  @ApiPropertyOptional({ format: 'date-time' }) nextAttemptAt?: string;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional({ type: [String] }) details?: string[];
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiProperty({ format: 'uuid' }) merchantId: string;
  @ApiProperty({ type: [LineItemAnswer] }) items: LineItemAnswer[];
  @ApiProperty({ description: 'In minor units' }) total: number;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiPropertyOptional() authorisationId?: string;
  @ApiPropertyOptional() assessmentId?: string;
  @ApiPropertyOptional() transactionId?: string;
  @ApiPropertyOptional({ type: CompensationAnswer }) compensation?: CompensationAnswer;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ type: [CheckoutStepAnswer] }) steps: CheckoutStepAnswer[];
}

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

export class UnfinishedCheckoutsAnswer implements UnfinishedCheckouts {
  @ApiProperty({ type: 'integer' }) count: number;
  @ApiProperty() oldestAgeSeconds: number;
  @ApiProperty({ type: [UnfinishedCheckoutAnswer] }) checkouts: UnfinishedCheckoutAnswer[];
}
