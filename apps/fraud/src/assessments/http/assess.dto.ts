import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO4217CurrencyCode, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class AssessDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() accountId: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() merchantId: string;
  @ApiProperty({ description: 'Amount in minor units', type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amount: number;
  // class-validator takes any case here.
  @ApiProperty({ example: 'EUR', pattern: '^[A-Za-z]{3}$' }) @IsISO4217CurrencyCode() currency: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The checkout assessed: asking again for it answers the same assessment and counts once',
  })
  @IsOptional()
  @IsUUID()
  checkoutId?: string;
}
