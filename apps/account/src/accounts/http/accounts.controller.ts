import { CommandMetadata } from '@app/domain';
import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { InjectAggregate } from '@app/eventstore';
import { AccountAggregate, accountAggregate } from '../account.aggregate';
import { AccountErrors } from '../domain/account.errors';
import { AccountViewRepository } from '../projections/account-view.repository';
import { EventsPageQuery, MAX_EVENTS_PAGE, accountIdPipe } from './account-params';
import { ApiProblems, Callers, CommandMeta } from '@app/platform';
import { OpenAccountDto } from './open-account.dto';
import { AccountEventAnswer, AccountViewAnswer, OpenedAccountAnswer } from './account-read-answers';

@ApiTags('accounts')
@Controller('accounts')
export class AccountsController {
  constructor(
    @InjectAggregate(accountAggregate) private readonly accounts: AccountAggregate,
    private readonly views: AccountViewRepository,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Open an account' })
  @ApiCreatedResponse({ type: OpenedAccountAnswer })
  @ApiProblems({ 400: ['INVALID_LIMIT'], 422: ['LIMIT_EXCEEDED'] })
  async open(@Body() body: OpenAccountDto, @CommandMeta() metadata: CommandMetadata): Promise<{ id: string }> {
    const id = randomUUID();
    await this.accounts.execute(id, { type: 'OpenAccount', data: { id, ...body }, metadata });
    return { id };
  }

  @Get(':id')
  @Callers('service:checkout')
  @ApiProblems({ 400: ['INVALID_ACCOUNT_ID'], 404: ['ACCOUNT_NOT_FOUND'] })
  @ApiOperation({ summary: 'The account read model (eventually consistent), with the stream version it reflects' })
  @ApiOkResponse({ type: AccountViewAnswer })
  async get(@Param('id', accountIdPipe) id: string) {
    const view = await this.views.find(id);
    if (!view) throw AccountErrors.notFound(id);
    return view;
  }

  @Get(':id/events')
  @ApiProblems({ 400: ['INVALID_ACCOUNT_ID'], 404: ['ACCOUNT_NOT_FOUND'] })
  @ApiOperation({ summary: "The account's event stream in version order, a page at a time (Link: rel=next while more follow)" })
  @ApiOkResponse({ type: [AccountEventAnswer] })
  async events(@Param('id', accountIdPipe) id: string, @Query() query: EventsPageQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const afterVersion = query.afterVersion ?? 0;
    const limit = query.limit ?? MAX_EVENTS_PAGE;
    const events = await this.accounts.readStream(id, afterVersion, limit);
    if (events.length === 0 && (await this.accounts.readStream(id, 0, 1)).length === 0) throw AccountErrors.notFound(id);
    if (events.length === limit) {
      void reply.header(
        'Link',
        `</accounts/${id}/events?afterVersion=${events[events.length - 1].streamVersion}&limit=${limit}>; rel="next"`,
      );
    }
    return events.map((event) => ({
      version: event.streamVersion,
      type: event.type,
      data: event.data,
      eventId: event.eventId,
      globalPosition: event.globalPosition,
      schemaVersion: event.schemaVersion,
      metadata: event.metadata,
      recordedAt: event.recordedAt,
    }));
  }
}
