import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsISO8601, IsNumber, Matches, Max, Min, ValidateNested } from 'class-validator';
import { MAX_ROLL_HOURS } from './key-lifecycle';

export class RollKeyDto {
  @ApiProperty({
    description: 'How long the rolled key keeps working beside its successor, in hours (fractions allowed; 0 ends it at once)',
    minimum: 0,
    maximum: MAX_ROLL_HOURS,
    example: 24,
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_ROLL_HOURS)
  expiresInHours: number;
}

export class RequestLimitDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100_000, description: 'Requests each key may make per window', example: 100 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  requests: number;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 3_600, description: 'The window, in seconds', example: 10 })
  @IsInt()
  @Min(1)
  @Max(3_600)
  windowSeconds: number;
}

export class MerchantKeyAnswer {
  @ApiProperty({ description: 'The key id (16 hex digits)', example: '3f9a1c0b7d2e4a68' }) id: string;
  @ApiProperty({ description: 'What the key starts with: mk_ and its id', example: 'mk_3f9a1c0b7d2e4a68' }) prefix: string;
  @ApiProperty({ enum: ['active', 'expiring', 'expired', 'revoked'] }) state: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Last seen by a verifier (to within a few seconds); absent if never' })
  lastUsedAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When it stops (stopped) working: rolled or revoked; absent if never' })
  expiresAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When it was revoked' }) revokedAt?: string;
}

export class MintedKeyAnswer extends MerchantKeyAnswer {
  @ApiProperty({ description: 'The key itself: shown this once, Merchant keeps only its hash' }) apiKey: string;
}

export class RolledKeyAnswer {
  @ApiProperty({ type: MintedKeyAnswer, description: 'The successor, with its key shown this once' }) key: MintedKeyAnswer;
  @ApiProperty({ type: MerchantKeyAnswer, description: 'The rolled key, with the time it stops working' }) rolled: MerchantKeyAnswer;
}

export class MerchantKeysAnswer {
  @ApiProperty({ type: [MerchantKeyAnswer] }) items: MerchantKeyAnswer[];
}

export class RequestLimitAnswer {
  @ApiProperty({ format: 'uuid' }) merchantId: string;
  @ApiProperty({ type: 'integer' }) requests: number;
  @ApiProperty({ type: 'integer' }) windowSeconds: number;
  @ApiPropertyOptional({ description: 'true when no operator set one' }) isDefault?: boolean;
}

class KeyUseDto {
  @ApiProperty({ pattern: '^[0-9a-f]{16}$' }) @Matches(/^[0-9a-f]{16}$/) keyId: string;
  @ApiProperty({ format: 'date-time' }) @IsISO8601() at: string;
}

export class KeyStatusSyncDto {
  @ApiProperty({ type: [KeyUseDto], maxItems: 100_000, description: 'Keys the verifier admitted since its last sync, with the last time' })
  @IsArray()
  @ArrayMaxSize(100_000)
  @ValidateNested({ each: true })
  @Type(() => KeyUseDto)
  used: KeyUseDto[];
}

class EndingKeyAnswer {
  @ApiProperty() keyId: string;
  @ApiProperty({ format: 'date-time' }) notAfter: string;
}

class LimitAnswer {
  @ApiProperty({ format: 'uuid' }) merchantId: string;
  @ApiProperty({ type: 'integer' }) requests: number;
  @ApiProperty({ type: 'integer' }) windowSeconds: number;
}

export class KeyStatusAnswer {
  @ApiProperty({ type: [EndingKeyAnswer] }) endingKeys: EndingKeyAnswer[];
  @ApiProperty({ type: [String] }) suspendedMerchants: string[];
  @ApiProperty({ type: [LimitAnswer] }) limits: LimitAnswer[];
}
