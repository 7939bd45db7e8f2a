import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsISO31661Alpha2,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

// Only the shape is checked here; the IBAN checksum and the BIC format are domain rules (INVALID_IBAN, INVALID_BIC).
export class BankAccountDto {
  @ApiProperty({ example: 'GB82 WEST 1234 5698 7654 32', description: 'IBAN, printed or electronic format', minLength: 1, maxLength: 50 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  iban: string;

  @ApiProperty({ example: 'NWBKGB2L', description: 'BIC (ISO 9362), 8 or 11 characters', minLength: 1, maxLength: 20 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20)
  bic: string;
}

export class OnboardMerchantDto {
  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @IsNotEmpty() @MaxLength(200) name: string;
  // Upper case only: the domain answers a lower-case code 400 INVALID_COUNTRY.
  @ApiProperty({ example: 'GB', description: 'ISO 3166-1 alpha-2', pattern: '^[A-Z]{2}$' }) @IsISO31661Alpha2() country: string;
  @ApiProperty({ type: BankAccountDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => BankAccountDto) bankAccount: BankAccountDto;
}

export class SuspendMerchantDto {
  @ApiPropertyOptional({ example: 'chargebacks', maxLength: 500 }) @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export class SalesQueryDto {
  @ApiPropertyOptional({ description: 'How many of the latest sales to list (default 20)', type: 'integer', minimum: 0, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100)
  last?: number;
}
