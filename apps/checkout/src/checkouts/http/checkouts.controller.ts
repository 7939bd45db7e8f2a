import { DomainError, fold } from '@app/domain';
import {
  assertMerchantScope,
  Callers,
  CurrentPrincipal,
  DownstreamUnavailableError,
  OpsTokenGuard,
  Principal,
  ProblemException,
} from '@app/platform';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CheckoutCommands, checkoutStreamId } from '../checkout-commands';
import { CheckoutState, checkoutDecider, isFinal } from '../domain/checkout.decider';
import { CheckoutProcess } from '../process/checkout-process';
import { RecoveryOptions } from '../recovery/recovery.options';
import { RECOVERY_OPTIONS } from '../recovery/recovery.tokens';
import { UnfinishedCheckoutsRepository } from '../recovery/unfinished-checkouts.repository';
import { checkoutIdFor } from './checkout-id';
import { CheckoutOutcome, PendingOutcome, outcomeOf, viewOf } from './checkout.view';
import { StartCheckoutDto } from './start-checkout.dto';
import { withinBudget } from './within-budget';

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;
const MAX_LISTED = 1_000;

@ApiTags('checkouts')
@Controller('checkouts')
export class CheckoutsController {
  constructor(
    private readonly process: CheckoutProcess,
    private readonly commands: CheckoutCommands,
    private readonly unfinished: UnfinishedCheckoutsRepository,
    @Inject(RECOVERY_OPTIONS) private readonly options: RecoveryOptions,
  ) {}

  @Post()
  @Callers('merchant')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check out: screen, authorise, charge, capture',
    description:
      'Answers 200 with status completed or rejected (with a reason code). A checkout that cannot finish within the ' +
      'request (a callee down or not answering, or the time budget spent) answers 202 {checkoutId, status: pending} with ' +
      'Location: /checkouts/:id, and the platform finishes it by itself: completed, or compensated. The Idempotency-Key ' +
      'names the checkout: a retry with the same key and body gets the same checkout and never charges twice. The same ' +
      'key with a different body is 409 IDEMPOTENCY_KEY_REUSED.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '1 to 255 printable characters, unique per checkout' })
  @ApiOkResponse({ description: '{checkoutId, status: completed|rejected, reason?, compensation?, total, currency}' })
  @ApiAcceptedResponse({ description: '{checkoutId, status: pending}; GET the Location for its current step and last error' })
  @ApiConflictResponse({ description: 'IDEMPOTENCY_KEY_REUSED' })
  async checkout(
    @Body() body: StartCheckoutDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() caller: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CheckoutOutcome | PendingOutcome> {
    assertMerchantScope(caller, body.merchantId);
    if (idempotencyKey === undefined)
      throw new ProblemException(400, 'IDEMPOTENCY_KEY_REQUIRED', 'POST /checkouts needs an Idempotency-Key header.');
    if (!IDEMPOTENCY_KEY.test(idempotencyKey) || idempotencyKey.trim() === '') {
      throw new ProblemException(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1 to 255 printable characters.');
    }
    const { accountId, merchantId, items, currency } = body;
    const request = { accountId, merchantId, currency, items: items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })) };
    const checkoutId = checkoutIdFor(idempotencyKey);
    return this.answer(checkoutId, reply, this.process.checkout(checkoutId, idempotencyKey, request));
  }

  @Get('unfinished')
  @ApiOperation({
    summary: 'Checkouts not final yet: how many, how old the oldest is (seconds), and the oldest of them with their step and last error',
  })
  unfinishedCheckouts(@Query('limit') limit?: string) {
    const parsed = limit === undefined ? 100 : /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
    if (!(parsed >= 0 && parsed <= MAX_LISTED))
      throw new ProblemException(400, 'INVALID_LIMIT', `limit must be a whole number from 0 to ${MAX_LISTED}`);
    return this.unfinished.summary(parsed);
  }

  @Get(':id')
  @Callers('merchant')
  @ApiOperation({ summary: 'The checkout, every step it has recorded, and while pending its next step and last error' })
  async get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal) {
    const events = await this.commands.readStream(checkoutStreamId(id));
    if (events.length === 0) throw new DomainError('not-found', 'CHECKOUT_NOT_FOUND', `Checkout ${id} does not exist`);
    const state = fold(checkoutDecider, events);
    const view = viewOf(state, events, isFinal(state) ? undefined : await this.unfinished.find(id));
    assertMerchantScope(caller, view.merchantId);
    return view;
  }

  @Post(':id/compensate')
  @HttpCode(200)
  @UseGuards(OpsTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Operators: stop trying to finish a pending checkout and undo it (void, refund); 409 once it is final' })
  @ApiAcceptedResponse({ description: 'The compensation could not finish yet; the worker goes on with it' })
  compensate(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CheckoutOutcome | PendingOutcome> {
    return this.answer(id, reply, this.process.abandon(id, 'OPERATOR_COMPENSATED'));
  }

  /** The outcome if the run ends within the budget; else 202 pending, while the run (or the worker) goes on. */
  private async answer(checkoutId: string, reply: FastifyReply, run: Promise<CheckoutState>): Promise<CheckoutOutcome | PendingOutcome> {
    let state: CheckoutState | undefined;
    try {
      state = await withinBudget(run, this.options.requestBudgetMs);
    } catch (error) {
      if (!(error instanceof DownstreamUnavailableError)) throw error;
    }
    if (state && isFinal(state)) return outcomeOf(state);
    void reply.status(202).header('location', `/checkouts/${checkoutId}`);
    return { checkoutId, status: 'pending' };
  }
}
