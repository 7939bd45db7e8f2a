import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Sale, SalesLedger } from '../projections/sales-ledger.repository';

/** What onboarding answers: the merchant's id and, once, its API key. */
export class OnboardedMerchantAnswer {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiPropertyOptional({ description: 'The merchant’s API key; shown this once, Merchant keeps only its hash' }) apiKey?: string;
}

export class BankAccountAnswer {
  @ApiProperty({ description: 'IBAN, electronic format' }) iban: string;
  @ApiProperty() bic: string;
}

/** The merchant as of its latest event. */
export class MerchantAnswer {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'GB' }) country: string;
  @ApiProperty({ type: BankAccountAnswer }) bankAccount: BankAccountAnswer;
  @ApiProperty({ enum: ['active', 'suspended'] }) status: 'active' | 'suspended';
  @ApiPropertyOptional() suspensionReason?: string;
  @ApiProperty({ type: 'integer', description: 'The stream version' }) version: number;
}

export class SalesTotalAnswer {
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ description: 'In minor units' }) total: number;
  @ApiProperty({ type: 'integer' }) count: number;
}

export class SaleAnswer implements Sale {
  @ApiProperty({ format: 'uuid' }) checkoutId: string;
  @ApiProperty({ format: 'uuid' }) accountId: string;
  @ApiProperty({ description: 'In minor units' }) total: number;
  @ApiProperty({ example: 'EUR' }) currency: string;
  @ApiProperty({ format: 'date-time' }) completedAt: string;
}

export class SalesLedgerAnswer implements SalesLedger {
  @ApiProperty({ format: 'uuid' }) merchantId: string;
  @ApiProperty({ type: 'integer', description: 'Sales across all currencies' }) count: number;
  @ApiProperty({ type: [SalesTotalAnswer] }) totals: SalesTotalAnswer[];
  @ApiProperty({ type: [SaleAnswer] }) lastSales: SaleAnswer[];
}
