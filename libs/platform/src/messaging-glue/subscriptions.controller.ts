import { Callers } from '../security/principal';
import { parseQueueName } from '@app/contracts';
import { OutboxRelay, registrationFor } from '@app/relay';
import { Body, Controller, Delete, Get, Inject, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { SERVICE_NAME } from './broker-connection.provider';
import {
  FrontierAnswer,
  RebaseAnswer,
  SubscriptionLagAnswer,
  SubscriptionRegisteredAnswer,
  SubscriptionRemovedAnswer,
  SubscriptionRewoundAnswer,
  SubscriptionStatusAnswer,
  StreamRedeliveredAnswer,
} from './subscription-answers';
import { OperatorAction } from '../security/operator-action.decorator';

/** What a producer refuses in a registration (libs/relay registrationFor, SubscriptionAdmin.register); Ops passes them on. */
export const REGISTRATION_PROBLEMS = {
  400: ['INVALID_QUEUE_NAME', 'RESERVED_CONSUMER', 'INVALID_POSITION', 'UNKNOWN_EVENT_TYPE', 'INVALID_RATE'],
  409: ['SUBSCRIPTION_EXISTS'],
} as const;

export class RewindSubscriptionDto {
  @ApiProperty({
    description: 'Re-deliver every event after this global position; 0 rebuilds the consumer',
    type: 'integer',
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
  })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  toPosition: number;
}

export class RedeliverStreamDto {
  @ApiProperty({ description: 'The stream to deliver again, e.g. account-<uuid>', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  streamId: string;

  @ApiProperty({ description: 'Its first version to deliver again: the missing version a GAP_TIMEOUT names', type: 'integer', minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  fromVersion: number;
}

export class RegisterSubscriptionDto {
  @ApiProperty({ description: 'The consumer queue, <consumer>.<producer>-events', example: 'bi.account-events', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ description: 'The event types it receives; omitted or empty: every type', type: [String], maxItems: 100 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  eventTypes?: string[];

  @ApiProperty({
    description: 'Where it starts: 0 for all history, a global position, or "now"',
    example: '0',
    pattern: '^([Nn][Oo][Ww]|[0-9]{1,16})$',
  })
  @IsString()
  @Matches(/^(now|\d{1,16})$/i)
  from: string;

  @ApiPropertyOptional({
    description: 'Events a second the backfill may deliver into this queue alone; omitted: full speed',
    type: 'integer',
    minimum: 1,
    maximum: 1_000_000,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  backfillRatePerSecond?: number;
}

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
