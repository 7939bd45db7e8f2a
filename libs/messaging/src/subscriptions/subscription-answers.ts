import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One relay subscription of this producer with its lag, as `GET /subscriptions` answers it. */
export class SubscriptionLagAnswer {
  @ApiProperty({ example: 'fraud.account-events' }) name: string;
  @ApiProperty({ type: [String], nullable: true, description: 'null: every event type' }) eventTypes: string[] | null;
  @ApiProperty({ enum: ['active', 'paused'] }) status: 'active' | 'paused';
  @ApiProperty({ description: 'Decimal string' }) cursorTransactionId: string;
  @ApiProperty({ description: 'Decimal string' }) cursorPosition: string;
  @ApiProperty({ type: String, nullable: true }) pendingControl: string | null;
  @ApiProperty({ type: 'integer' }) lagEvents: number;
  @ApiProperty() lagSeconds: number;
  @ApiProperty({ example: 'fraud' }) consumer: string;
  @ApiProperty({ example: 'account' }) producer: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'The backfill pace in events a second; null: full speed' })
  backfillRatePerSecond: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Decimal string: the head when it was registered, up to which the backfill is paced',
  })
  backfillUntilPosition: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Events the backfill had to deliver; null for the routing table' })
  backfillTotal: number | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When an operator registered it; null for the routing table',
  })
  registeredAt: string | null;
}

/** A subscription just registered, as `POST /subscriptions` answers it (the relay's row, without the queue's parts). */
export class SubscriptionRegisteredAnswer {
  @ApiProperty({ example: 'bi.account-events' }) name: string;
  @ApiProperty({ type: [String], nullable: true, description: 'null: every event type' }) eventTypes: string[] | null;
  @ApiProperty({ enum: ['active', 'paused'] }) status: 'active' | 'paused';
  @ApiProperty({ description: 'Decimal string' }) cursorTransactionId: string;
  @ApiProperty({ description: 'Decimal string' }) cursorPosition: string;
  @ApiProperty({ type: String, nullable: true }) pendingControl: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) backfillRatePerSecond: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Decimal string' }) backfillUntilPosition: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) backfillTotal: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) registeredAt: string | null;
  @ApiProperty({ type: 'integer' }) lagEvents: number;
  @ApiProperty() lagSeconds: number;
}

export class SubscriptionRemovedAnswer {
  @ApiProperty() name: string;
  @ApiProperty({ enum: [true] }) removed: true;
}

/** Whether an open transaction holds back the commit frontier; the holder's fields only while it is held. */
export class FrontierAnswer {
  @ApiProperty() held: boolean;
  @ApiPropertyOptional({ description: 'Decimal string' }) transactionId?: string;
  @ApiPropertyOptional({ type: Number, nullable: true }) heldSeconds?: number | null;
  @ApiPropertyOptional({ type: 'integer', nullable: true }) pid?: number | null;
  @ApiPropertyOptional({ type: String, nullable: true }) query?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) database?: string | null;
  @ApiProperty() warnAfterSeconds: number;
  @ApiProperty({ type: String, nullable: true, description: 'Why the relay refuses to run, until a re-base' }) relayRefusal: string | null;
}

export class RebaseAnswer {
  @ApiProperty() rebased: boolean;
  @ApiProperty({ type: 'integer' }) transactions: number;
  @ApiProperty({ type: 'integer' }) cursors: number;
}

export class SubscriptionStatusAnswer {
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['active', 'paused'] }) status: 'active' | 'paused';
}

export class SubscriptionRewoundAnswer {
  @ApiProperty() name: string;
  @ApiProperty({ type: 'integer' }) toPosition: number;
}

/** What a per-stream rewind published. */
export class StreamRedeliveredAnswer {
  @ApiProperty() name: string;
  @ApiProperty() streamId: string;
  @ApiProperty({ type: 'integer' }) fromVersion: number;
  @ApiProperty({ type: 'integer', description: 'events published into the queue again' }) events: number;
}
