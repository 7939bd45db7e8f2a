import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, Max, Min } from 'class-validator';

/** Merchant's own bound on a roll's overlap (apps/merchant key-lifecycle), checked here first. */
const MAX_ROLL_HOURS = 168;

export class RollMerchantKeyDto {
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

/** Merchant's answers, passed on. */
export class OpsMerchantKeyAnswer {
  @ApiProperty({ description: 'The key id (16 hex digits)', example: '3f9a1c0b7d2e4a68' }) id: string;
  @ApiProperty({ description: 'What the key starts with: mk_ and its id', example: 'mk_3f9a1c0b7d2e4a68' }) prefix: string;
  @ApiProperty({ enum: ['active', 'expiring', 'expired', 'revoked'] }) state: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Last seen by a verifier; absent if never' }) lastUsedAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When it stops (stopped) working; absent if never' }) expiresAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When it was revoked' }) revokedAt?: string;
}

export class OpsMintedKeyAnswer extends OpsMerchantKeyAnswer {
  @ApiProperty({ description: 'The key itself: shown this once, Merchant keeps only its hash' }) apiKey: string;
}

export class OpsRolledKeyAnswer {
  @ApiProperty({ type: OpsMintedKeyAnswer, description: 'The successor, with its key shown this once' }) key: OpsMintedKeyAnswer;
  @ApiProperty({ type: OpsMerchantKeyAnswer, description: 'The rolled key, with the time it stops working' }) rolled: OpsMerchantKeyAnswer;
}

export class OpsMerchantKeysAnswer {
  @ApiProperty({ type: [OpsMerchantKeyAnswer] }) items: OpsMerchantKeyAnswer[];
}
