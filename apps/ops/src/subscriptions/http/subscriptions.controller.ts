import { Producers } from '@app/contracts';
import { ApiProblems, DownstreamUnavailableError, OpsTokenGuard, RewindSubscriptionDto } from '@app/platform';
import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Operator } from '../../operators/operator.decorator';
import { SubscriptionsService } from '../subscriptions.service';
import { OpsSubscriptionsAnswer, ProducerRebaseAnswer, SubscriptionActionAnswer } from './ops-subscription-answers';

// An action goes to the producer: down or not answering, or refusing Ops' token.
const PRODUCER_UNREACHABLE = {
  502: ['OPS_TOKEN_REJECTED'],
  503: Producers.map((producer) => new DownstreamUnavailableError(producer).code),
};

/** Every producer's subscriptions; the producer of an action comes from the queue name. */
@ApiTags('subscriptions')
@Controller('subscriptions')
export class OpsSubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Get()
  @ApiOperation({ summary: 'Every subscription of every producer with its lag; a producer that is down shows as unavailable' })
  @ApiOkResponse({ type: OpsSubscriptionsAnswer })
  list() {
    return this.subscriptions.list();
  }

  @Post('producers/:producer/rebase')
  @HttpCode(200)
  @UseGuards(OpsTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: "After a restore or migration of a producer's database: re-base its cursors so its relay runs again" })
  @ApiOkResponse({ type: ProducerRebaseAnswer })
  @ApiProblems({ ...PRODUCER_UNREACHABLE, 404: ['PRODUCER_NOT_FOUND'] })
  rebase(@Param('producer') producer: string, @Operator() actor: string) {
    return this.subscriptions.rebase(producer, actor);
  }

  @Post(':name/pause')
  @HttpCode(200)
  @UseGuards(OpsTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Stop delivering into this queue' })
  @ApiOkResponse({ type: SubscriptionActionAnswer })
  @ApiProblems({ ...PRODUCER_UNREACHABLE, 404: ['SUBSCRIPTION_NOT_FOUND'] })
  pause(@Param('name') name: string, @Operator() actor: string) {
    return this.subscriptions.act(name, 'pause', actor);
  }

  @Post(':name/resume')
  @HttpCode(200)
  @UseGuards(OpsTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Deliver into this queue again' })
  @ApiOkResponse({ type: SubscriptionActionAnswer })
  @ApiProblems({ ...PRODUCER_UNREACHABLE, 404: ['SUBSCRIPTION_NOT_FOUND'] })
  resume(@Param('name') name: string, @Operator() actor: string) {
    return this.subscriptions.act(name, 'resume', actor);
  }

  @Post(':name/rewind')
  @HttpCode(200)
  @UseGuards(OpsTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Re-deliver into this one queue every event after toPosition (0 rebuilds the consumer)' })
  @ApiOkResponse({ type: SubscriptionActionAnswer })
  @ApiProblems({ ...PRODUCER_UNREACHABLE, 400: ['INVALID_POSITION'], 404: ['SUBSCRIPTION_NOT_FOUND'] })
  rewind(@Param('name') name: string, @Body() body: RewindSubscriptionDto, @Operator() actor: string) {
    return this.subscriptions.act(name, 'rewind', actor, { toPosition: body.toPosition });
  }
}
