import { ApiProblems } from '@app/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { OperatorActionsRepository } from '../operator-actions.repository';
import { OperatorActionsPageAnswer, OperatorActionsQueryDto } from './operator-actions.dto';

/** What operators did: every state-changing request to Ops, refused ones included. Any operator (viewer up) may read it. */
@ApiTags('operator-actions')
@Controller('operator-actions')
export class OperatorActionsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly actions: OperatorActionsRepository,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Operator actions, newest first: who did what to what, when, and the status Ops answered' })
  @ApiOkResponse({ type: OperatorActionsPageAnswer })
  @ApiProblems({ 400: ['INVALID_CURSOR'] })
  list(@Query() query: OperatorActionsQueryDto) {
    const { limit, cursor, ...filter } = query;
    return this.actions.search(this.dataSource.manager, filter, { limit: limit ?? 50, cursor });
  }
}
