import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { appliedLatencyByQueue } from './applied-latency';

/** One consumer queue of this process with its commit-to-applied latency. */
export class AppliedLatencyAnswer {
  @ApiProperty() queue: string;
  @ApiProperty({ type: Number, nullable: true }) p50Seconds: number | null;
  @ApiProperty({ type: Number, nullable: true }) p99Seconds: number | null;
  @ApiProperty({ type: 'integer' }) samples: number;
}

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
