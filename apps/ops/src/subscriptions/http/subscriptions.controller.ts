import { Producers } from '@app/contracts';
import { DownstreamUnavailableError, NamedOperator } from '@app/platform';
import {
  RedeliverStreamDto,
  RegisterSubscriptionDto,
  REGISTRATION_PROBLEMS,
  RewindSubscriptionDto,
  SubscriptionRegisteredAnswer,
} from '@app/messaging';
import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ActingFor, OpsAction } from '../../operators/operator.decorator';
import { ConsumerRegistrationService } from '../consumer-registration.service';
import { SubscriptionsService } from '../subscriptions.service';
import {
  OpsSubscriptionRemovedAnswer,
  OpsSubscriptionsAnswer,
  ProducerRebaseAnswer,
  SubscriptionActionAnswer,
} from './ops-subscription-answers';

// An action goes to the producer: down or not answering, or refusing Ops' token.
const PRODUCER_UNREACHABLE = {
  502: ['OPS_TOKEN_REJECTED'],
  503: Producers.map((producer) => new DownstreamUnavailableError(producer).code),
};

export class RemoveSubscriptionDto {
  @ApiPropertyOptional({ description: 'The subscription name again: removing needs this explicit confirmation', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  confirm?: string;
}

/** Every producer's subscriptions; the producer of an action comes from the queue name. */
@ApiTags('subscriptions')
@Controller('subscriptions')
export class OpsSubscriptionsController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly registrations: ConsumerRegistrationService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every subscription of every producer with its lag; a producer that is down shows as unavailable' })
  @ApiOkResponse({ type: OpsSubscriptionsAnswer })
  list() {
    return this.subscriptions.list();
  }

  @Post()
  @OpsAction({
    action: 'subscription.register',
    role: 'admin',
    problems: {
      ...PRODUCER_UNREACHABLE,
      ...REGISTRATION_PROBLEMS,
      // No known producer in the name: there is nothing to register it with.
      404: ['SUBSCRIPTION_NOT_FOUND'],
      409: ['CONSUMER_NOT_PROVISIONED', ...REGISTRATION_PROBLEMS[409]],
      503: ['BROKER_UNAVAILABLE', ...PRODUCER_UNREACHABLE[503]],
    },
    status: 201,
  })
  @ApiOperation({
    summary:
      "Register a new consumer of a producer's events: its queue (provisioned first), event types, start position (0 or now), backfill pace",
  })
  @ApiCreatedResponse({ type: SubscriptionRegisteredAnswer, description: "The producer's answer, passed on" })
  register(@Body() body: RegisterSubscriptionDto, @ActingFor() operator: NamedOperator) {
    return this.registrations.register(body, operator);
  }

  @Post(':name/remove')
  @OpsAction({
    action: 'subscription.remove',
    role: 'admin',
    problems: {
      ...PRODUCER_UNREACHABLE,
      400: ['CONFIRMATION_REQUIRED'],
      404: ['SUBSCRIPTION_NOT_FOUND'],
      409: ['DEFAULT_SUBSCRIPTION'],
    },
  })
  @ApiOperation({ summary: 'Remove a consumer registered at run time: deletes its subscription; needs {confirm: <name>}' })
  @ApiOkResponse({ type: OpsSubscriptionRemovedAnswer })
  remove(@Param('name') name: string, @Body() body: RemoveSubscriptionDto, @ActingFor() operator: NamedOperator) {
    return this.registrations.remove(name, body.confirm, operator);
  }

  @Post('producers/:producer/rebase')
  @OpsAction({ action: 'producer.rebase', role: 'admin', problems: { ...PRODUCER_UNREACHABLE, 404: ['PRODUCER_NOT_FOUND'] } })
  @ApiOperation({ summary: "After a restore or migration of a producer's database: re-base its cursors so its relay runs again" })
  @ApiOkResponse({ type: ProducerRebaseAnswer })
  rebase(@Param('producer') producer: string, @ActingFor() operator: NamedOperator) {
    return this.subscriptions.rebase(producer, operator);
  }

  @Post(':name/pause')
  @OpsAction({ action: 'subscription.pause', role: 'operator', problems: { ...PRODUCER_UNREACHABLE, 404: ['SUBSCRIPTION_NOT_FOUND'] } })
  @ApiOperation({ summary: 'Stop delivering into this queue' })
  @ApiOkResponse({ type: SubscriptionActionAnswer })
  pause(@Param('name') name: string, @ActingFor() operator: NamedOperator) {
    return this.subscriptions.act(name, 'pause', operator);
  }

  @Post(':name/resume')
  @OpsAction({ action: 'subscription.resume', role: 'operator', problems: { ...PRODUCER_UNREACHABLE, 404: ['SUBSCRIPTION_NOT_FOUND'] } })
  @ApiOperation({ summary: 'Deliver into this queue again' })
  @ApiOkResponse({ type: SubscriptionActionAnswer })
  resume(@Param('name') name: string, @ActingFor() operator: NamedOperator) {
    return this.subscriptions.act(name, 'resume', operator);
  }

  @Post(':name/rewind')
  @OpsAction({
    action: 'subscription.rewind',
    role: 'operator',
    problems: { ...PRODUCER_UNREACHABLE, 400: ['INVALID_POSITION'], 404: ['SUBSCRIPTION_NOT_FOUND'] },
  })
  @ApiOperation({ summary: 'Re-deliver into this one queue every event after toPosition (0 rebuilds the consumer)' })
  @ApiOkResponse({ type: SubscriptionActionAnswer })
  rewind(@Param('name') name: string, @Body() body: RewindSubscriptionDto, @ActingFor() operator: NamedOperator) {
    return this.subscriptions.act(name, 'rewind', operator, { toPosition: body.toPosition });
  }

  @Post(':name/redeliver')
  @OpsAction({
    action: 'subscription.redeliver',
    role: 'operator',
    problems: { ...PRODUCER_UNREACHABLE, 400: ['INVALID_VERSION'], 404: ['SUBSCRIPTION_NOT_FOUND'] },
  })
  @ApiOperation({
    summary:
      "Rewind one stream: its producer publishes the stream's events from fromVersion into this one queue again (fills a GAP_TIMEOUT)",
  })
  @ApiOkResponse({ type: SubscriptionActionAnswer })
  redeliver(@Param('name') name: string, @Body() body: RedeliverStreamDto, @ActingFor() operator: NamedOperator) {
    return this.subscriptions.act(name, 'redeliver', operator, { streamId: body.streamId, fromVersion: body.fromVersion });
  }
}
