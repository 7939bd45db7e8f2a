import { DomainError, fold } from '@app/domain';
import { ApiProblems, ProblemException } from '@app/platform';
import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectAggregate } from '@app/eventstore';
import { CheckoutAggregate, checkoutAggregate } from '../checkout.aggregate';
import { checkoutDecider, isFinal } from '../domain/checkout.decider';
import { UnfinishedCheckoutsRepository } from '../unfinished/unfinished-checkouts.repository';
import { CheckoutViewAnswer, UnfinishedCheckoutsAnswer } from './checkout-answers';
import { viewOf } from './checkout.view';

const MAX_LISTED = 1_000;

/**
 * The operator's reads of checkouts: every step with its raw data, and the unfinished ones with their
 * last errors. No @Callers: they carry buyers' balances and internal errors, so no merchant key reads them.
 */
@ApiTags('checkouts')
@Controller('checkouts')
export class OperatorCheckoutsController {
  constructor(
    @InjectAggregate(checkoutAggregate) private readonly checkouts: CheckoutAggregate,
    private readonly unfinished: UnfinishedCheckoutsRepository,
  ) {}

  @Get('unfinished')
  @ApiOperation({
    summary: 'Checkouts not final yet: how many, how old the oldest is (seconds), and the oldest of them with their step and last error',
  })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 0, maximum: MAX_LISTED, default: 100 } })
  @ApiOkResponse({ type: UnfinishedCheckoutsAnswer })
  @ApiProblems({ 400: ['INVALID_LIMIT'] })
  unfinishedCheckouts(@Query('limit') limit?: string) {
    const parsed = limit === undefined ? 100 : /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
    if (!(parsed >= 0 && parsed <= MAX_LISTED))
      throw new ProblemException(400, 'INVALID_LIMIT', `limit must be a whole number from 0 to ${MAX_LISTED}`);
    return this.unfinished.summary(parsed);
  }

  @Get(':id/internal')
  @ApiOperation({ summary: 'Operators: the checkout, every step it has recorded, and while pending its next step and last error' })
  @ApiOkResponse({ type: CheckoutViewAnswer })
  @ApiProblems({ 400: ['BAD_REQUEST'], 404: ['CHECKOUT_NOT_FOUND'] })
  async internal(@Param('id', new ParseUUIDPipe()) id: string) {
    const events = await this.checkouts.readStream(id);
    if (events.length === 0) throw new DomainError('not-found', 'CHECKOUT_NOT_FOUND', `Checkout ${id} does not exist`);
    const state = fold(checkoutDecider, events);
    return viewOf(state, events, isFinal(state) ? undefined : await this.unfinished.find(id));
  }
}
