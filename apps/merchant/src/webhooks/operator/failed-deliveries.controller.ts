import { DomainError } from '@app/domain';
import { ActingOperator, ApiProblems, OperatorAction } from '@app/platform';
import { Body, Controller, Get, Logger, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { deliveryWake } from '../delivery/delivery-wake';
import { failedDeliveryCursor, failedDeliveryPosition } from '../domain/failed-delivery-cursor';
import { deliveryAnswerOf } from '../http/webhook-answers';
import {
  FailedDeliveriesPageAnswer,
  FailedDeliveriesQueryDto,
  FailedDeliveryAnswer,
  ReplayedFailedDeliveriesAnswer,
  ReplayFailedDeliveriesDto,
} from './failed-deliveries.dto';
import { FailedDeliveriesRepository, FailedDeliveryRow } from './failed-deliveries.repository';

const answerOf = (row: FailedDeliveryRow): FailedDeliveryAnswer => ({
  ...deliveryAnswerOf(row),
  merchantId: row.merchantId,
  endpointId: row.endpointId,
  endpointUrl: row.endpointUrl,
  endpointState: row.endpointEnabled ? 'enabled' : 'disabled',
});

/**
 * Operators only (no `@Callers`: neither a merchant's key nor a service's credential may call it):
 * the deliveries whose retry schedule ran out, across merchants, and sending them again. Ops' dead-letter
 * tools call these with a credential Ops signs for the operator (or OPS_TOKEN, the bootstrap admin).
 */
@ApiTags('webhook deliveries (operators)')
@ApiBearerAuth()
@Controller('webhook-deliveries/failed')
export class FailedDeliveriesController {
  private readonly logger = new Logger(FailedDeliveriesController.name);

  constructor(private readonly deliveries: FailedDeliveriesRepository) {}

  @Get()
  @ApiOperation({ summary: 'Failed (exhausted) deliveries across merchants, newest failure first; cursor paged' })
  @ApiOkResponse({ type: FailedDeliveriesPageAnswer })
  @ApiProblems({ 400: ['BAD_REQUEST', 'INVALID_CURSOR'] })
  async list(@Query() query: FailedDeliveriesQueryDto): Promise<FailedDeliveriesPageAnswer> {
    const after = query.cursor === undefined ? undefined : failedDeliveryPosition(query.cursor);
    if (query.cursor !== undefined && !after)
      throw new DomainError('validation', 'INVALID_CURSOR', 'cursor is not one this API handed out');
    const limit = query.limit ?? 50;
    const rows = await this.deliveries.page({ merchantId: query.merchantId, endpointId: query.endpointId, after, limit });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(answerOf),
      nextCursor: rows.length > limit && last ? failedDeliveryCursor({ failedAt: last.position, id: last.id }) : null,
    };
  }

  @Post('replay')
  @OperatorAction({ role: 'operator', problems: { 400: ['BAD_REQUEST'] } })
  @ApiOperation({ summary: 'Send failed deliveries again from a fresh retry schedule, whatever merchant they are of' })
  @ApiOkResponse({ type: ReplayedFailedDeliveriesAnswer })
  async replay(@Body() body: ReplayFailedDeliveriesDto, @ActingOperator() actor: string): Promise<ReplayedFailedDeliveriesAnswer> {
    const replayed = await this.deliveries.replay(body.ids);
    deliveryWake.wake();
    const done = new Set(replayed.map((r) => r.id));
    this.logger.log(`${actor} replayed ${replayed.length} failed webhook deliveries`);
    return {
      replayed: replayed.map((r) => r.id),
      waitingForEndpoint: replayed.filter((r) => !r.endpointEnabled).map((r) => r.id),
      skipped: body.ids.filter((id) => !done.has(id.toLowerCase())),
    };
  }
}
