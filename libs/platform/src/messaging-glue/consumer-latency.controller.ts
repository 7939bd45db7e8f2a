import { appliedLatencyByQueue } from '@app/messaging';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AppliedLatencyAnswer } from './subscription-answers';

/** This process's consumer queues with their commit-to-applied latency (Ops shows it per subscription). */
@ApiTags('consumers')
@Controller('consumers')
export class ConsumerLatencyController {
  @Get('latency')
  @ApiOperation({
    summary: "p50 and p99 over the last five minutes from an event's recorded_at to the commit of this consumer's inbox row",
  })
  @ApiOkResponse({ type: [AppliedLatencyAnswer] })
  latency() {
    return appliedLatencyByQueue();
  }
}
