import { ApiProperty } from '@nestjs/swagger';

export class LearnedPurchasesAnswer {
  @ApiProperty({ type: 'integer' }) count: number;
  @ApiProperty({ description: 'Median of the recent amounts; 0 without any' }) usualAmount: number;
  @ApiProperty({ type: [Number] }) recentAmounts: number[];
}

export class VelocityAnswer {
  @ApiProperty({ type: 'integer' }) windowSeconds: number;
  @ApiProperty({ type: 'integer' }) maxPerWindow: number;
  @ApiProperty({ type: 'integer' }) recentCheckouts: number;
  @ApiProperty({ type: 'integer' }) recentAssessments: number;
}

/** What Fraud has learned about an account. */
export class RiskProfileAnswer {
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiProperty({ example: 'active' }) status: string;
  @ApiProperty() limit: number;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty() vip: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) addressChangedAt: string | null;
  @ApiProperty({ type: LearnedPurchasesAnswer }) purchases: LearnedPurchasesAnswer;
  @ApiProperty({ type: VelocityAnswer }) velocity: VelocityAnswer;
  @ApiProperty({ type: 'integer' }) version: number;
}
