import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsISO4217CurrencyCode, IsNotEmpty, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class AuthoriseDto {
  @ApiProperty({ description: 'Amount in minor units (cents)', example: 1999, minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amount: number;

  @ApiProperty({ description: 'ISO 4217 currency code', example: 'EUR' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code of three upper-case letters' })
  @IsISO4217CurrencyCode({ message: 'currency must be a known ISO 4217 code' })
  currency: string;

  @ApiProperty({ description: 'The merchant’s reference for this payment', example: 'checkout-42' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  reference: string;
}

export class AuthorisationView {
  @ApiProperty() authorisationId: string;
  @ApiProperty({ enum: ['authorised', 'captured', 'voided'] }) status: string;
  @ApiProperty() amount: number;
  @ApiProperty() currency: string;
  @ApiProperty() reference: string;
  @ApiProperty() authorisedAt: string;
  @ApiProperty({ required: false }) capturedAt?: string;
  @ApiProperty({ required: false }) voidedAt?: string;
}
