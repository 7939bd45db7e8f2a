import { DomainError } from '@app/domain';
import { ApiProblems } from '@app/platform';
import { Body, Controller, Get, HttpCode, Param, PipeTransform, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Operator, OpsAction } from '../../operators/operator.decorator';
import { DeadLetterSelection, DeadLettersService } from '../dead-letters.service';
import {
  ArchiveOutcomeAnswer,
  DeadLetterAnswer,
  DeadLetterGroupAnswer,
  DeadLetterPageAnswer,
  EditOutcomeAnswer,
  ParkedStreamAnswer,
  ReplayDryRunAnswer,
  ReplayOutcomeAnswer,
} from './dead-letter-answers';
import { DeadLetterSelectionDto, EditDeadLetterDto, GroupsQuery, ListDeadLettersQuery, ParkedQuery } from './dead-letter.dto';

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
  @ApiOperation({ summary: 'Dead letters, oldest first, filtered, searched and paged by an opaque cursor' })
  @ApiOkResponse({ type: DeadLetterPageAnswer })
  @ApiProblems({ 400: ['INVALID_CURSOR'] })
  list(@Query() query: ListDeadLettersQuery) {
    const { limit = 50, after = 0, cursor, ...filter } = query;
    return this.deadLetters.list(filter, { limit, after, cursor });
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

  @Post('replay/dry-run')
  @HttpCode(200)
  @ApiOperation({ summary: 'What a replay of this selection would send (how many, which groups), sending nothing' })
  @ApiOkResponse({ type: ReplayDryRunAnswer })
  @ApiProblems({ 400: ['SELECTION_REQUIRED'] })
  replayDryRun(@Body() body: DeadLetterSelectionDto) {
    return this.deadLetters.replayDryRun(toSelection(body));
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

  @Post(':id/edit')
  @OpsAction({
    action: 'dead-letter.edit',
    role: 'operator',
    problems: {
      400: ['INVALID_DEAD_LETTER_ID', 'INVALID_EDIT'],
      404: ['DEAD_LETTER_NOT_FOUND'],
      409: ['DEAD_LETTER_NOT_DEAD'],
      503: ['BROKER_UNAVAILABLE'],
    },
  })
  @ApiOperation({
    summary: 'Edit and retry: the edited body, checked against its schema version, is replayed as a copy; the original is kept, superseded',
  })
  @ApiOkResponse({ type: EditOutcomeAnswer })
  edit(@Param('id', DeadLetterIdPipe) id: number, @Body() body: EditDeadLetterDto, @Operator() actor: string) {
    return this.deadLetters.editAndRetry(id, body.body, actor);
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
