import { ApiProblems, NamedOperator } from '@app/platform';
import { Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ActingFor, OpsAction } from '../../operators/operator.decorator';
import { OpsCheckoutsService } from '../ops-checkouts.service';
import { CompensatedCheckoutAnswer, UnfinishedCheckoutsAnswer } from './ops-checkout-answers';

// Checkout down or not answering, or refusing Ops' token.
const CHECKOUT_UNREACHABLE = { 502: ['OPS_TOKEN_REJECTED'], 503: ['CHECKOUT_UNAVAILABLE'] } as const;

/** Checkouts that are not final yet, and forcing one to compensate. */
@ApiTags('checkouts')
@Controller('checkouts')
export class OpsCheckoutsController {
  constructor(private readonly checkouts: OpsCheckoutsService) {}

  @Get('unfinished')
  @ApiOperation({
    summary: 'How many checkouts are not final, how old the oldest is (seconds), and the oldest 100 with their step and last error',
  })
  @ApiOkResponse({ type: UnfinishedCheckoutsAnswer })
  @ApiProblems(CHECKOUT_UNREACHABLE)
  unfinished() {
    return this.checkouts.unfinished();
  }

  @Post(':id/compensate')
  @OpsAction({
    action: 'checkout.compensate',
    role: 'operator',
    problems: {
      ...CHECKOUT_UNREACHABLE,
      400: ['BAD_REQUEST'],
      404: ['CHECKOUT_NOT_FOUND'],
      409: ['CHECKOUT_ALREADY_FINAL', 'CONCURRENCY_CONFLICT'],
    },
  })
  @ApiOperation({ summary: 'Stop trying to finish a checkout and undo it (void, refund); audited. 409 once it is final' })
  @ApiOkResponse({ type: CompensatedCheckoutAnswer })
  compensate(@Param('id', new ParseUUIDPipe()) id: string, @ActingFor() operator: NamedOperator) {
    return this.checkouts.compensate(id, operator);
  }
}
