import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { Mode, MODES, OperationBehaviour, ProviderBehaviour } from '../behaviour/provider-behaviour';

export class OperationBehaviourDto {
  @ApiPropertyOptional({ description: 'Delay before answering, in ms', type: 'integer', minimum: 0, maximum: 60_000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60_000)
  latencyMs?: number;

  @ApiPropertyOptional({ description: 'Probability (0..1) that an otherwise ok call fails', minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  failureRate?: number;

  @ApiPropertyOptional({ enum: MODES })
  @IsOptional()
  @IsIn(MODES)
  mode?: Mode;
}

export class BehaviourPatchDto {
  @ApiPropertyOptional({ type: OperationBehaviourDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => OperationBehaviourDto)
  authorise?: OperationBehaviourDto;

  @ApiPropertyOptional({ type: OperationBehaviourDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => OperationBehaviourDto)
  capture?: OperationBehaviourDto;

  @ApiPropertyOptional({ type: OperationBehaviourDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => OperationBehaviourDto)
  void?: OperationBehaviourDto;

  @ApiPropertyOptional({ type: OperationBehaviourDto, description: 'Reading an authorisation back, by id or by idempotency key' })
  @IsOptional()
  @ValidateNested()
  @Type(() => OperationBehaviourDto)
  lookup?: OperationBehaviourDto;
}

export class OperationBehaviourAnswer implements OperationBehaviour {
  @ApiProperty({ type: 'integer' }) latencyMs: number;
  @ApiProperty() failureRate: number;
  @ApiProperty({ enum: MODES }) mode: Mode;
}

/** The simulated behaviour of every operation, as it is now. */
export class ProviderBehaviourAnswer implements ProviderBehaviour {
  @ApiProperty({ type: OperationBehaviourAnswer }) authorise: OperationBehaviourAnswer;
  @ApiProperty({ type: OperationBehaviourAnswer }) capture: OperationBehaviourAnswer;
  @ApiProperty({ type: OperationBehaviourAnswer }) void: OperationBehaviourAnswer;
  @ApiProperty({ type: OperationBehaviourAnswer }) lookup: OperationBehaviourAnswer;
}
