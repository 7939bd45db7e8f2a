import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsTimestamp } from '@app/platform';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { AuditLogRepository } from '../audit-log.repository';

export class AuditQuery {
  @ApiPropertyOptional({ example: 'account-6f1c…' }) @IsOptional() @IsString() streamId?: string;
  @ApiPropertyOptional({ example: 'LimitUpdated' }) @IsOptional() @IsString() type?: string;
  @ApiPropertyOptional({ example: 'account' }) @IsOptional() @IsString() producer?: string;
  @ApiPropertyOptional({ description: 'Only events that occurred after this instant (ISO 8601)' })
  @IsOptional()
  @IsTimestamp()
  after?: string;
  @ApiPropertyOptional({ description: 'Only events that occurred before this instant (ISO 8601)' })
  @IsOptional()
  @IsTimestamp()
  before?: string;
  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' }) @IsOptional() @IsString() cursor?: string;
}

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auditLog: AuditLogRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: "Search every producer's events by stream, type and time; newest first, paged by cursor" })
  search(@Query() query: AuditQuery) {
    const { limit = 50, cursor, ...filter } = query;
    return this.auditLog.search(this.dataSource.manager, filter, { limit, cursor });
  }
}
