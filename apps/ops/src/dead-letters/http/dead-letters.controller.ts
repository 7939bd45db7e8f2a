import { DomainError } from '@app/domain';
import { ApiProblems } from '@app/platform';
import { Body, Controller, Get, Param, PipeTransform, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Operator, OpsAction } from '../../operators/operator.decorator';
import { DeadLetterSelection, DeadLettersService } from '../dead-letters.service';
import {
  ArchiveOutcomeAnswer,
  DeadLetterAnswer,
  DeadLetterGroupAnswer,
  DeadLetterPageAnswer,
  ParkedStreamAnswer,
  ReplayOutcomeAnswer,
} from './dead-letter-answers';
import { DeadLetterSelectionDto, GroupsQuery, ListDeadLettersQuery, ParkedQuery } from './dead-letter.dto';

/** A dead letter id is a positive whole number; anything else is the caller's mistake (400), not an unknown id. */
class DeadLetterIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^\d{1,15}$/.test(value))
      throw new DomainError('validation', 'INVALID_DEAD_LETTER_ID', 'A dead letter id is a whole number of at most 15 digits');
    return Number(value);
  }
}

function toSelection(body: DeadLetterSelectionDto): DeadLetterSelection {
  const given = [body.ids, body.queue, body.group, body.all].filter((part) => part !== undefined).length;
  if (given !== 1) {
    throw new DomainError('validation', 'SELECTION_REQUIRED', 'Give exactly one of ids, queue, group or all');
  }
  if (body.ids) return { ids: body.ids };
  if (body.group) return { filter: { queue: body.group.queue, type: body.group.type ?? '', code: body.group.code } };
  return { filter: body.queue ? { queue: body.queue } : {} };
}

@ApiTags('dead-letters')
@Controller('dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  @ApiOperation({ summary: 'Dead letters, oldest first, filtered and paged by id' })
  @ApiOkResponse({ type: DeadLetterPageAnswer })
  list(@Query() query: ListDeadLettersQuery) {
    const { limit = 50, after = 0, ...filter } = query;
    return this.deadLetters.list(filter, { limit, after });
  }

  @Get('groups')
  @ApiOperation({ summary: 'Dead letters grouped by queue, type and error code' })
  @ApiOkResponse({ type: [DeadLetterGroupAnswer] })
  groups(@Query() query: GroupsQuery) {
    return this.deadLetters.groups(query.status ?? 'dead');
  }

  @Get('parked')
  @ApiOperation({ summary: 'Streams a consumer holds behind a dead letter (the blocker), with the dead letters parked behind it' })
  @ApiOkResponse({ type: [ParkedStreamAnswer] })
  parked(@Query() query: ParkedQuery) {
    return this.deadLetters.parked(query.queue);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One dead letter with its body, headers and history' })
  @ApiOkResponse({ type: DeadLetterAnswer })
  @ApiProblems({ 400: ['INVALID_DEAD_LETTER_ID'], 404: ['DEAD_LETTER_NOT_FOUND'] })
  show(@Param('id', DeadLetterIdPipe) id: number) {
    return this.deadLetters.show(id);
  }

  @Post('replay')
  @OpsAction({ action: 'dead-letters.replay', role: 'operator', problems: { 400: ['SELECTION_REQUIRED'] } })
  @ApiOperation({ summary: 'Replay a selection, a queue, a group or all into their original queues' })
  @ApiOkResponse({ type: ReplayOutcomeAnswer })
  replay(@Body() body: DeadLetterSelectionDto, @Operator() actor: string) {
    return this.deadLetters.replay(toSelection(body), actor);
  }

  @Post('archive')
  @OpsAction({ action: 'dead-letters.archive', role: 'operator', problems: { 400: ['SELECTION_REQUIRED'] } })
  @ApiOperation({ summary: 'Archive a selection, a queue, a group or all' })
  @ApiOkResponse({ type: ArchiveOutcomeAnswer })
  archive(@Body() body: DeadLetterSelectionDto, @Operator() actor: string) {
    return this.deadLetters.archive(toSelection(body), actor);
  }

  @Post(':id/replay')
  @OpsAction({
    action: 'dead-letter.replay',
    role: 'operator',
    problems: {
      400: ['INVALID_DEAD_LETTER_ID'],
      404: ['DEAD_LETTER_NOT_FOUND'],
      409: ['DEAD_LETTER_NOT_DEAD'],
      503: ['BROKER_UNAVAILABLE'],
    },
  })
  @ApiOperation({ summary: 'Replay one dead letter into its original queue; the dead letters parked behind it follow' })
  @ApiOkResponse({ type: DeadLetterAnswer })
  replayOne(@Param('id', DeadLetterIdPipe) id: number, @Operator() actor: string) {
    return this.deadLetters.replayOne(id, actor);
  }

  @Post(':id/skip')
  @OpsAction({
    action: 'dead-letter.skip',
    role: 'operator',
    problems: {
      400: ['INVALID_DEAD_LETTER_ID'],
      404: ['DEAD_LETTER_NOT_FOUND'],
      409: ['DEAD_LETTER_NOT_DEAD'],
      503: ['BROKER_UNAVAILABLE'],
    },
  })
  @ApiOperation({
    summary: 'Skip one dead letter: its consumer counts it as applied without its handler; the dead letters parked behind it follow',
  })
  @ApiOkResponse({ type: DeadLetterAnswer })
  skipOne(@Param('id', DeadLetterIdPipe) id: number, @Operator() actor: string) {
    return this.deadLetters.skipOne(id, actor);
  }

  @Post(':id/archive')
  @OpsAction({
    action: 'dead-letter.archive',
    role: 'operator',
    problems: { 400: ['INVALID_DEAD_LETTER_ID'], 404: ['DEAD_LETTER_NOT_FOUND'], 409: ['DEAD_LETTER_NOT_DEAD'] },
  })
  @ApiOperation({ summary: 'Archive one dead letter' })
  @ApiOkResponse({ type: DeadLetterAnswer })
  archiveOne(@Param('id', DeadLetterIdPipe) id: number, @Operator() actor: string) {
    return this.deadLetters.archiveOne(id, actor);
  }
}
