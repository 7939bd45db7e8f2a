import { Callers } from '../security/principal';
import { parseQueueName } from '@app/contracts';
import { OutboxRelay } from '@app/relay';
import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { OpsTokenGuard } from '../security/ops-token.guard';

export class RewindSubscriptionDto {
  @ApiProperty({ description: 'Re-deliver every event after this global position; 0 rebuilds the consumer' })
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
  async list() {
    const subscriptions = await this.relay.admin.list();
    return subscriptions.map((s) => ({ ...s, ...parseQueueName(s.name) }));
  }

  @Get('frontier')
  @ApiOperation({ summary: 'Whether an open transaction holds back the commit frontier: for how long, by which backend and query' })
  frontier() {
    return this.relay.frontierView();
  }

  @Post('rebase')
  @HttpCode(200)
  @UseGuards(OpsTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'After a restore or migration: renumber stored transaction ids and cursors so the relay runs again' })
  rebase() {
    return this.relay.admin.rebase();
  }

  @Post(':name/pause')
  @HttpCode(200)
  @UseGuards(OpsTokenGuard)
  @ApiBearerAuth()
  async pause(@Param('name') name: string) {
    await this.relay.admin.pause(name);
    return { name, status: 'paused' };
  }

  @Post(':name/resume')
  @HttpCode(200)
  @UseGuards(OpsTokenGuard)
  @ApiBearerAuth()
  async resume(@Param('name') name: string) {
    await this.relay.admin.resume(name);
    return { name, status: 'active' };
  }

  @Post(':name/rewind')
  @HttpCode(200)
  @UseGuards(OpsTokenGuard)
  @ApiBearerAuth()
  async rewind(@Param('name') name: string, @Body() body: RewindSubscriptionDto) {
    await this.relay.admin.rewind(name, body.toPosition);
    return { name, toPosition: body.toPosition };
  }
}
