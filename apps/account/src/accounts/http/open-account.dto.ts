import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsISO31661Alpha2,
  IsISO4217CurrencyCode,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

// The schema states the same rules the decorators enforce.
const WHOLE_AMOUNT = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const CURRENCY_PATTERN = '^[A-Z]{3}$';

export const PHONE_NUMBER = /^\+?[0-9][0-9 ()-]{2,29}$/;
const PHONE_RULE = { message: 'phoneNumber must be digits, spaces, ( ) or -, optionally after a leading +, 3 to 30 characters' };

export class AddressDto {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @IsNotEmpty() @MaxLength(200) street: string;
  @ApiProperty({ minLength: 1, maxLength: 100 }) @IsString() @IsNotEmpty() @MaxLength(100) city: string;
  @ApiProperty({ minLength: 1, maxLength: 20 }) @IsString() @IsNotEmpty() @MaxLength(20) zip: string;
}

/** A new address; without `country` it stays in the country the account's address is in. */
export class NewAddressDto extends AddressDto {
  @ApiPropertyOptional({ example: 'FR', description: 'ISO 3166-1 alpha-2' }) @IsOptional() @IsISO31661Alpha2() country?: string;
}

export class OpenAccountDto {
  @ApiProperty({ minLength: 1, maxLength: 100 }) @IsString() @IsNotEmpty() @MaxLength(100) name: string;
  @ApiProperty({ minLength: 1, maxLength: 100 }) @IsString() @IsNotEmpty() @MaxLength(100) lastName: string;
  // Any case is accepted, as class-validator's check is.
  @ApiProperty({ example: 'DE', description: 'ISO 3166-1 alpha-2', pattern: '^[A-Za-z]{2}$' }) @IsISO31661Alpha2() country: string;
  @ApiProperty({ type: AddressDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => AddressDto) address: AddressDto;
  @ApiPropertyOptional({ example: '+49 30 1234567', pattern: PHONE_NUMBER.source })
  @IsOptional()
  @IsString()
  @Matches(PHONE_NUMBER, PHONE_RULE)
  phoneNumber?: string;
  @ApiProperty({ description: 'Credit limit in minor units; at most ACCOUNT_MAX_LIMIT (422 LIMIT_EXCEEDED)', ...WHOLE_AMOUNT })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  limit: number;
  @ApiProperty({ example: 'EUR', pattern: CURRENCY_PATTERN })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an upper-case ISO 4217 code' })
  @IsISO4217CurrencyCode()
  currency: string;
}

export class UpdateLimitDto {
  @ApiProperty({ description: 'New credit limit in minor units; at most ACCOUNT_MAX_LIMIT (422 LIMIT_EXCEEDED)', ...WHOLE_AMOUNT })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  limit: number;
}

export class AddPhoneNumberDto {
  @ApiProperty({ example: '+49 30 1234567', pattern: PHONE_NUMBER.source })
  @IsString()
  @Matches(PHONE_NUMBER, PHONE_RULE)
  phoneNumber: string;
}
