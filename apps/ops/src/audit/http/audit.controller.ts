import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ApiProblems, IsTimestamp, TIMESTAMP_PATTERN } from '@app/platform';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { AuditLogRepository } from '../audit-log.repository';
import { AuditPageAnswer } from './audit-answers';

export class AuditQuery {
  @ApiPropertyOptional({ example: 'account-6f1c…' }) @IsOptional() @IsString() streamId?: string;
  @ApiPropertyOptional({ example: 'LimitUpdated' }) @IsOptional() @IsString() type?: string;
  @ApiPropertyOptional({ example: 'account' }) @IsOptional() @IsString() producer?: string;
  @ApiPropertyOptional({ description: 'Only events that occurred after this instant (ISO 8601)', pattern: TIMESTAMP_PATTERN })
  @IsOptional()
  @IsTimestamp()
  after?: string;
  @ApiPropertyOptional({ description: 'Only events that occurred before this instant (ISO 8601)', pattern: TIMESTAMP_PATTERN })
  @IsOptional()
  @IsTimestamp()
  before?: string;
  @ApiPropertyOptional({ default: 50, type: 'integer', minimum: 1, maximum: 500 })
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
  @ApiOkResponse({ type: AuditPageAnswer })
  @ApiProblems({ 400: ['INVALID_CURSOR'] })
  search(@Query() query: AuditQuery) {
    const { limit = 50, cursor, ...filter } = query;
    return this.auditLog.search(this.dataSource.manager, filter, { limit, cursor });
  }
}
