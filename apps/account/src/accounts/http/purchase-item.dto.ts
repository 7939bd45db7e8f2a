import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO4217CurrencyCode, IsNotEmpty, IsNumber, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Transaction ids travel in URLs (the refund route), so they keep to URL-safe characters. */
export const TRANSACTION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
export const TRANSACTION_ID_RULE = 'transactionId must be 1 to 100 letters, digits, ".", "_", ":" or "-", starting with a letter or digit';

export class PurchaseItemDto {
  @ApiProperty({
    description: "The caller's id for this purchase; retrying it returns the first answer and charges once",
    pattern: TRANSACTION_ID.source,
  })
  @IsString()
  @Matches(TRANSACTION_ID, { message: TRANSACTION_ID_RULE })
  transactionId: string;

  // Only the type is checked here: the domain answers zero, negative and fractional amounts with their own codes.
  @ApiProperty({ description: 'Positive integer amount in minor units', example: 500, type: 'integer', minimum: 1 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  amount: number;

  @ApiProperty({ example: 'EUR', description: "Must be the account's currency (400 CURRENCY_MISMATCH)", pattern: '^[A-Z]{3}$' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an upper-case ISO 4217 code' })
  @IsISO4217CurrencyCode()
  currency: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100 }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) merchantId?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) reference?: string;
}
