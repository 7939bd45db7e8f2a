import { Callers } from '../security/principal';
import { parseQueueName } from '@app/contracts';
import { OutboxRelay } from '@app/relay';
import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../http/openapi-problems';
import {
  FrontierAnswer,
  RebaseAnswer,
  SubscriptionLagAnswer,
  SubscriptionRewoundAnswer,
  SubscriptionStatusAnswer,
} from './subscription-answers';
import { IsInt, Max, Min } from 'class-validator';
import { OpsTokenGuard } from '../security/ops-token.guard';

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

/** This producer's relay subscriptions, for operators (Ops aggregates them across services). */
@ApiTags('subscriptions')
@Controller('subscriptions')
export class SubscriptionsController {
  constructor(private readonly relay: OutboxRelay) {}

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
  @HttpCode(200)
  @UseGuards(OpsTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'After a restore or migration: renumber stored transaction ids and cursors so the relay runs again' })
  @ApiOkResponse({ type: RebaseAnswer })
  rebase() {
    return this.relay.admin.rebase();
  }

  @Post(':name/pause')
  @HttpCode(200)
  @UseGuards(OpsTokenGuard)
  @ApiBearerAuth()
  @ApiProblems({ 404: ['SUBSCRIPTION_NOT_FOUND'] })
  @ApiOkResponse({ type: SubscriptionStatusAnswer })
  async pause(@Param('name') name: string) {
    await this.relay.admin.pause(name);
    return { name, status: 'paused' };
  }

  @Post(':name/resume')
  @HttpCode(200)
  @UseGuards(OpsTokenGuard)
  @ApiBearerAuth()
  @ApiProblems({ 404: ['SUBSCRIPTION_NOT_FOUND'] })
  @ApiOkResponse({ type: SubscriptionStatusAnswer })
  async resume(@Param('name') name: string) {
    await this.relay.admin.resume(name);
    return { name, status: 'active' };
  }

  @Post(':name/rewind')
  @HttpCode(200)
  @UseGuards(OpsTokenGuard)
  @ApiBearerAuth()
  @ApiProblems({ 400: ['INVALID_POSITION'], 404: ['SUBSCRIPTION_NOT_FOUND'] })
  @ApiOkResponse({ type: SubscriptionRewoundAnswer })
  async rewind(@Param('name') name: string, @Body() body: RewindSubscriptionDto) {
    await this.relay.admin.rewind(name, body.toPosition);
    return { name, toPosition: body.toPosition };
  }
}
