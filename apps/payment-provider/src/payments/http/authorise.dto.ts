import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsISO4217CurrencyCode, IsNotEmpty, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class AuthoriseDto {
  @ApiProperty({
    description: 'Amount in minor units (cents)',
    example: 1999,
    type: 'integer',
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
  })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  amount: number;

  @ApiProperty({ description: 'ISO 4217 currency code', example: 'EUR', pattern: '^[A-Z]{3}$' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code of three upper-case letters' })
  @IsISO4217CurrencyCode({ message: 'currency must be a known ISO 4217 code' })
  currency: string;

  @ApiProperty({ description: 'The merchant’s reference for this payment', example: 'checkout-42', minLength: 1, maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  reference: string;
}

/** What authorising answers (201). */
export class AuthorisedAnswer {
  @ApiProperty() authorisationId: string;
  @ApiProperty({ enum: ['authorised', 'captured', 'voided'], description: 'A retried key answers the authorisation as it is now' })
  status: string;
  @ApiProperty({ type: 'integer' }) amount: number;
  @ApiProperty() currency: string;
}

/** What capturing or voiding answers. */
export class AuthorisationStatusAnswer {
  @ApiProperty() authorisationId: string;
  @ApiProperty({ enum: ['authorised', 'captured', 'voided'] }) status: string;
}

export class AuthorisationView {
  @ApiProperty() authorisationId: string;
  @ApiProperty({ enum: ['authorised', 'captured', 'voided'] }) status: string;
  @ApiProperty({ type: 'integer' }) amount: number;
  @ApiProperty() currency: string;
  @ApiProperty() reference: string;
  @ApiProperty({ format: 'date-time' }) authorisedAt: string;
  @ApiProperty({ required: false, format: 'date-time' }) capturedAt?: string;
  @ApiProperty({ required: false, format: 'date-time' }) voidedAt?: string;
}
