import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO31661Alpha2, IsISO4217CurrencyCode, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';

export class AddressDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) street: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) city: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(20) zip: string;
}

export class OpenAccountDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) name: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) lastName: string;
  @ApiProperty({ example: 'DE', description: 'ISO 3166-1 alpha-2' }) @IsISO31661Alpha2() country: string;
  @ApiProperty({ type: AddressDto }) @ValidateNested() @Type(() => AddressDto) address: AddressDto;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(30) phoneNumber?: string;
  @ApiProperty({ description: 'Credit limit in minor units' }) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) limit: number;
  @ApiProperty({ example: 'EUR' }) @IsISO4217CurrencyCode() currency: string;
}

export class UpdateLimitDto {
  @ApiProperty({ description: 'New credit limit in minor units' }) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) limit: number;
}
