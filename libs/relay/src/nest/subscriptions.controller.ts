import { parseQueueName } from '@app/contracts';
import {
  REGISTRATION_PROBLEMS,
  RedeliverStreamDto,
  RegisterSubscriptionDto,
  RewindSubscriptionDto,
  registrationFor,
  FrontierAnswer,
  RebaseAnswer,
  SubscriptionLagAnswer,
  SubscriptionRegisteredAnswer,
  SubscriptionRemovedAnswer,
  SubscriptionRewoundAnswer,
  SubscriptionStatusAnswer,
  StreamRedeliveredAnswer,
} from '@app/messaging';
import { Callers, OperatorAction, SERVICE_NAME } from '@app/platform';
import { Body, Controller, Delete, Get, Inject, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OutboxRelay } from '../outbox-relay';

/** This producer's relay subscriptions, for operators (Ops aggregates them across services). */
@ApiTags('subscriptions')
@Controller('subscriptions')
export class SubscriptionsController {
  constructor(
    private readonly relay: OutboxRelay,
    @Inject(SERVICE_NAME) private readonly producer: string,
  ) {}

  @Get()
  @Callers('service:ops')
  @ApiOperation({ summary: 'Every subscription of this producer with its lag' })
  @ApiOkResponse({ type: [SubscriptionLagAnswer] })
  async list() {
    const subscriptions = await this.relay.admin.list();
    return subscriptions.map((s) => ({ ...s, ...parseQueueName(s.name) }));
  }

  @Get('frontier')
  @ApiOperation({ summary: 'Whether an open transaction holds back the commit frontier: for how long, by which backend and query' })
  @ApiOkResponse({ type: FrontierAnswer })
  frontier() {
    return this.relay.frontierView();
  }

  @Post('rebase')
  @OperatorAction({ role: 'admin' })
  @ApiOperation({ summary: 'After a restore or migration: renumber stored transaction ids and cursors so the relay runs again' })
  @ApiOkResponse({ type: RebaseAnswer })
  rebase() {
    return this.relay.admin.rebase();
  }

  @Post()
  @OperatorAction({ role: 'admin', problems: REGISTRATION_PROBLEMS, status: 201 })
  @ApiOperation({ summary: 'Add a consumer queue at run time: its own cursor from a position or now, and an optional backfill pace' })
  @ApiCreatedResponse({ type: SubscriptionRegisteredAnswer })
  register(@Body() body: RegisterSubscriptionDto) {
    return this.relay.admin.register(registrationFor(this.producer, body));
  }

  @Delete(':name')
  @OperatorAction({ role: 'admin', problems: { 404: ['SUBSCRIPTION_NOT_FOUND'], 409: ['DEFAULT_SUBSCRIPTION'] } })
  @ApiOperation({ summary: 'Remove a consumer queue registered at run time (the routing table in code stays)' })
  @ApiOkResponse({ type: SubscriptionRemovedAnswer })
  async remove(@Param('name') name: string) {
    await this.relay.admin.remove(name);
    return { name, removed: true };
  }

  @Post(':name/pause')
  @OperatorAction({ role: 'operator', problems: { 404: ['SUBSCRIPTION_NOT_FOUND'] } })
  @ApiOkResponse({ type: SubscriptionStatusAnswer })
  async pause(@Param('name') name: string) {
    await this.relay.admin.pause(name);
    return { name, status: 'paused' };
  }

  @Post(':name/resume')
  @OperatorAction({ role: 'operator', problems: { 404: ['SUBSCRIPTION_NOT_FOUND'] } })
  @ApiOkResponse({ type: SubscriptionStatusAnswer })
  async resume(@Param('name') name: string) {
    await this.relay.admin.resume(name);
    return { name, status: 'active' };
  }

  @Post(':name/rewind')
  @OperatorAction({ role: 'operator', problems: { 400: ['INVALID_POSITION'], 404: ['SUBSCRIPTION_NOT_FOUND'] } })
  @ApiOkResponse({ type: SubscriptionRewoundAnswer })
  async rewind(@Param('name') name: string, @Body() body: RewindSubscriptionDto) {
    await this.relay.admin.rewind(name, body.toPosition);
    return { name, toPosition: body.toPosition };
  }

  @Post(':name/redeliver')
  @OperatorAction({ role: 'operator', problems: { 400: ['INVALID_VERSION'], 404: ['SUBSCRIPTION_NOT_FOUND'] } })
  @ApiOperation({ summary: 'Rewind one stream: publish its events from fromVersion into this one queue again (fills a GAP_TIMEOUT)' })
  @ApiOkResponse({ type: StreamRedeliveredAnswer })
  redeliver(@Param('name') name: string, @Body() body: RedeliverStreamDto) {
    return this.relay.redeliverStream(name, body.streamId, body.fromVersion);
  }
}
