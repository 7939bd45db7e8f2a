import { SubscriptionRemovedAnswer } from '@app/messaging';
import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import type { BackfillView, SubscriptionView } from '../subscriptions.service';

/** A producer's commit frontier as it answered; held is null when the producer did not answer. */
export class ProducerFrontierAnswer {
  @ApiProperty({ type: Boolean, nullable: true }) held: boolean | null;
  @ApiPropertyOptional({ description: 'Why the producer could not be asked' }) error?: string;
  @ApiPropertyOptional() transactionId?: string;
  @ApiPropertyOptional({ type: Number, nullable: true }) heldSeconds?: number | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true }) pid?: number | null;
  @ApiPropertyOptional({ type: String, nullable: true }) query?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) database?: string | null;
  @ApiPropertyOptional() warnAfterSeconds?: number;
  @ApiPropertyOptional({ type: String, nullable: true }) relayRefusal?: string | null;
}

export class ProducerAnswer {
  @ApiProperty({ example: 'account' }) producer: string;
  @ApiProperty() available: boolean;
  @ApiPropertyOptional({ description: 'Why it is unavailable' }) error?: string;
  @ApiProperty({ type: ProducerFrontierAnswer }) frontier: ProducerFrontierAnswer;
}

/**
 * A registered consumer's backfill: how many events it had to catch up on, how many are left, at what pace.
 * Inline rather than a class: OpenAPI 3.0 cannot make a $ref nullable, and the routing table's subscriptions have none.
 */
const BACKFILL_SCHEMA: ApiPropertyOptions = {
  type: 'object',
  nullable: true,
  description: 'null for the routing table',
  required: ['total', 'remaining', 'ratePerSecond', 'done'],
  properties: {
    total: { type: 'integer' },
    remaining: { type: 'integer' },
    ratePerSecond: { type: 'integer', nullable: true, description: 'Events a second; null: full speed' },
    done: { type: 'boolean' },
  },
};

export class OpsSubscriptionAnswer implements SubscriptionView {
  @ApiProperty({ example: 'fraud.account-events' }) name: string;
  @ApiProperty() producer: string;
  @ApiProperty() consumer: string;
  @ApiProperty({ enum: ['active', 'paused', 'unavailable'] }) status: 'active' | 'paused' | 'unavailable';
  @ApiProperty({ type: 'integer', nullable: true }) lagEvents: number | null;
  @ApiProperty({ type: Number, nullable: true }) lagSeconds: number | null;
  @ApiProperty({ type: String, nullable: true }) cursorPosition: string | null;
  @ApiProperty({ type: [String], nullable: true }) eventTypes: string[] | null;
  @ApiProperty({ type: String, nullable: true }) pendingControl: string | null;
  @ApiProperty({ type: Number, nullable: true }) appliedP50Seconds: number | null;
  @ApiProperty({ type: Number, nullable: true }) appliedP99Seconds: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null for the routing table' })
  registeredAt: string | null;
  @ApiProperty(BACKFILL_SCHEMA) backfill: BackfillView | null;
}

export class OpsSubscriptionsAnswer {
  @ApiProperty({ type: [ProducerAnswer] }) producers: ProducerAnswer[];
  @ApiProperty({ type: [OpsSubscriptionAnswer] }) subscriptions: OpsSubscriptionAnswer[];
}

/** The producer's answer to a pause, resume or rewind, passed on. */
export class SubscriptionActionAnswer {
  @ApiProperty() name: string;
  @ApiPropertyOptional({ enum: ['active', 'paused'], description: 'After pause or resume' }) status?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'After rewind' }) toPosition?: number;
  @ApiPropertyOptional({ description: 'After a per-stream rewind (redeliver)' }) streamId?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'After a per-stream rewind (redeliver)' }) fromVersion?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'After a per-stream rewind: events published again' }) events?: number;
}

export class ProducerRebaseAnswer {
  @ApiProperty() rebased: boolean;
  @ApiProperty({ type: 'integer' }) transactions: number;
  @ApiProperty({ type: 'integer' }) cursors: number;
}

/** The producer's answer to a removal, passed on, with what an administrator does next. */
export class OpsSubscriptionRemovedAnswer extends SubscriptionRemovedAnswer {
  @ApiProperty({ description: 'What an administrator runs next to delete its queues and broker user' }) next: string;
}
