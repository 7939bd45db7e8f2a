import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PUBLIC_OUTCOMES, PublicOutcome } from '@app/contracts';
import type { MerchantCheckoutView } from '../merchant-view/merchant-checkout.view';
import { LineItemAnswer } from './checkout-answers';

export class MerchantCheckoutOutcomeAnswer {
  @ApiProperty({
    enum: PUBLIC_OUTCOMES,
    description:
      'processing while pending, succeeded once completed, else why it was rejected. A closed set that may grow; ' +
      'treat a code you do not know as a rejection.',
  })
  code: PublicOutcome;

  @ApiPropertyOptional({ format: 'date-time', description: 'While processing: when the platform tries the next step' })
  nextAttemptAt?: string;
}

/** The merchant's view of its checkout: these fields and no others. */
export class MerchantCheckoutAnswer implements MerchantCheckoutView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['pending', 'completed', 'rejected'] }) status: 'pending' | 'completed' | 'rejected';
  @ApiProperty({ type: 'integer', description: 'In minor units: the sum of the items' }) total: number;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ type: [LineItemAnswer] }) items: LineItemAnswer[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', description: 'When the platform last recorded a step of it' }) updatedAt: string;
  @ApiProperty({ type: MerchantCheckoutOutcomeAnswer }) outcome: MerchantCheckoutOutcomeAnswer;
}

export class MerchantCheckoutPageAnswer {
  @ApiProperty({ type: [MerchantCheckoutAnswer], description: 'Newest first' }) checkouts: MerchantCheckoutAnswer[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last page' })
  nextCursor: string | null;
}
