import { EventEnvelope, parseQueueName, queueName, routesTo } from '@app/contracts';
import { EventBatchContext, EventContext, OnAnyEventBatch, rebuildPattern } from '@app/messaging';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { AuditLogRepository } from '../audit-log.repository';

const producerOf = (queue: string): string => parseQueueName(queue)?.producer ?? 'unknown';

/** Stores every event of every producer from `ops.<producer>-events`, in the inbox's transaction. */
@Controller()
export class AuditLogConsumer {
  constructor(private readonly auditLog: AuditLogRepository) {}

  @OnAnyEventBatch()
  async onEvents(@Payload() events: readonly EventEnvelope[], @Ctx() ctx: EventBatchContext): Promise<void> {
    await this.auditLog.append(ctx.manager, producerOf(ctx.queue), events);
  }

  /** A rewind to 0 replays the producer's whole history, so its entries are dropped first. */
  @EventPattern(routesTo('ops').map((route) => rebuildPattern(queueName(route.consumer, route.producer))))
  async onRebuild(@Ctx() ctx: EventContext): Promise<void> {
    await this.auditLog.forgetProducer(ctx.manager, producerOf(ctx.queue));
  }
}
