import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsISO4217CurrencyCode,
  IsInt,
  IsNotEmpty,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CheckoutLimits } from '../domain/checkout-limits';

export class LineItemDto {
  @ApiProperty({ example: 'book-978-0262033848', minLength: 1, maxLength: CheckoutLimits.maxSkuLength })
  @IsString()
  @IsNotEmpty()
  @MaxLength(CheckoutLimits.maxSkuLength)
  sku: string;

  @ApiProperty({ example: 2, type: 'integer', minimum: 1, maximum: CheckoutLimits.maxQuantity })
  @IsInt()
  @Min(1)
  @Max(CheckoutLimits.maxQuantity)
  quantity: number;

  @ApiProperty({
    description: 'Price of one unit in minor units (cents)',
    example: 1999,
    type: 'integer',
    minimum: 0,
    maximum: CheckoutLimits.maxUnitPrice,
  })
  @IsInt()
  @Min(0)
  @Max(CheckoutLimits.maxUnitPrice)
  unitPrice: number;
}

export class StartCheckoutDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  accountId: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  merchantId: string;

  @ApiProperty({ type: [LineItemDto], minItems: 1, maxItems: CheckoutLimits.maxItems })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CheckoutLimits.maxItems)
  @ValidateNested({ each: true })
  @Type(() => LineItemDto)
  items: LineItemDto[];

  @ApiProperty({ description: 'ISO 4217 currency code', example: 'EUR', pattern: '^[A-Z]{3}$' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code of three upper-case letters' })
  @IsISO4217CurrencyCode({ message: 'currency must be a known ISO 4217 code' })
  currency: string;
}
