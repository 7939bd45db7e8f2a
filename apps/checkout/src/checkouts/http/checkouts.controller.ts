import { DomainError, fold } from '@app/domain';
import {
  ApiProblems,
  assertMerchantScope,
  Callers,
  OperatorAction,
  CurrentPrincipal,
  DownstreamUnavailableError,
  Principal,
  ProblemException,
  RequestLimited,
} from '@app/platform';
import { Body, Controller, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CheckoutCommands, checkoutStreamId } from '../checkout-commands';
import { CheckoutState, checkoutDecider, isFinal } from '../domain/checkout.decider';
import { CheckoutProcess } from '../process/checkout-process';
import { RecoveryOptions } from '../recovery/recovery.options';
import { RECOVERY_OPTIONS } from '../recovery/recovery.tokens';
import { UnfinishedCheckoutsRepository } from '../recovery/unfinished-checkouts.repository';
import { CheckoutOutcomeAnswer, CheckoutViewAnswer, PendingCheckoutAnswer, UnfinishedCheckoutsAnswer } from './checkout-answers';
import { checkoutIdFor } from './checkout-id';
import { CheckoutOutcome, PendingOutcome, outcomeOf, viewOf } from './checkout.view';
import { StartCheckoutDto } from './start-checkout.dto';
import { withinBudget } from './within-budget';

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;
const MAX_LISTED = 1_000;
const PENDING_HEADERS = { Location: { description: '/checkouts/{checkoutId}', schema: { type: 'string' } } };

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
  @RequestLimited()
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
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: '1 to 255 printable characters, unique per checkout',
    schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source },
  })
  @ApiOkResponse({ type: CheckoutOutcomeAnswer, description: 'The checkout is final: completed, or rejected with a reason code' })
  @ApiAcceptedResponse({
    type: PendingCheckoutAnswer,
    headers: PENDING_HEADERS,
    description: 'GET the Location for its step and last error',
  })
  @ApiProblems({
    400: [
      'IDEMPOTENCY_KEY_REQUIRED',
      'INVALID_IDEMPOTENCY_KEY',
      'NO_ITEMS',
      'TOO_MANY_ITEMS',
      'INVALID_SKU',
      'INVALID_QUANTITY',
      'INVALID_UNIT_PRICE',
      'NOTHING_TO_PAY',
      'INVALID_CURRENCY',
    ],
    409: ['IDEMPOTENCY_KEY_REUSED', 'CONCURRENCY_CONFLICT'],
  })
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
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 0, maximum: MAX_LISTED, default: 100 } })
  @ApiOkResponse({ type: UnfinishedCheckoutsAnswer })
  @ApiProblems({ 400: ['INVALID_LIMIT'] })
  unfinishedCheckouts(@Query('limit') limit?: string) {
    const parsed = limit === undefined ? 100 : /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
    if (!(parsed >= 0 && parsed <= MAX_LISTED))
      throw new ProblemException(400, 'INVALID_LIMIT', `limit must be a whole number from 0 to ${MAX_LISTED}`);
    return this.unfinished.summary(parsed);
  }

  @Get(':id')
  @Callers('merchant')
  @RequestLimited()
  @ApiOperation({ summary: 'The checkout, every step it has recorded, and while pending its next step and last error' })
  @ApiOkResponse({ type: CheckoutViewAnswer })
  @ApiProblems({ 400: ['BAD_REQUEST'], 404: ['CHECKOUT_NOT_FOUND'] })
  async get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal) {
    const events = await this.commands.readStream(checkoutStreamId(id));
    if (events.length === 0) throw new DomainError('not-found', 'CHECKOUT_NOT_FOUND', `Checkout ${id} does not exist`);
    const state = fold(checkoutDecider, events);
    const view = viewOf(state, events, isFinal(state) ? undefined : await this.unfinished.find(id));
    assertMerchantScope(caller, view.merchantId);
    return view;
  }

  @Post(':id/compensate')
  @OperatorAction({
    problems: { 400: ['BAD_REQUEST'], 404: ['CHECKOUT_NOT_FOUND'], 409: ['CHECKOUT_ALREADY_FINAL', 'CONCURRENCY_CONFLICT'] },
  })
  @ApiOperation({ summary: 'Operators: stop trying to finish a pending checkout and undo it (void, refund); 409 once it is final' })
  @ApiOkResponse({ type: CheckoutOutcomeAnswer, description: 'The checkout is compensated (rejected)' })
  @ApiAcceptedResponse({
    type: PendingCheckoutAnswer,
    headers: PENDING_HEADERS,
    description: 'The compensation could not finish yet; the worker goes on with it',
  })
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
