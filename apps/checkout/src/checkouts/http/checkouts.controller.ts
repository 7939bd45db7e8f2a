import { DomainError } from '@app/domain';
import {
  ActingOperator,
  actorOf,
  ApiMerchantKey,
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
import { CheckoutState, isFinal } from '../domain/checkout.decider';
import { CheckoutProcess } from '../process/checkout-process';
import { RecoveryOptions } from '../unfinished/recovery.options';
import { RECOVERY_OPTIONS } from '../unfinished/recovery.tokens';
import { MerchantCheckoutsRepository } from '../merchant-view/merchant-checkouts.repository';
import { MerchantCheckoutView, merchantViewOf } from '../merchant-view/merchant-checkout.view';
import { CheckoutOutcomeAnswer, PendingCheckoutAnswer } from './checkout-answers';
import { checkoutIdFor } from '../merchant-view/checkout-id';
import {
  CheckoutListQuery,
  InvalidListQuery,
  LIST_LIMIT_DEFAULT,
  LIST_LIMIT_MAX,
  LIST_STATUSES,
  cursorAfter,
  parseListQuery,
} from './checkout-list.query';
import { CheckoutOutcome, PendingOutcome, merchantOutcomeOf, outcomeOf } from './checkout.view';
import { MerchantCheckoutAnswer, MerchantCheckoutPageAnswer } from './merchant-checkout-answers';
import { StartCheckoutDto } from './start-checkout.dto';
import { withinBudget } from './within-budget';

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;
const PENDING_HEADERS = { Location: { description: '/checkouts/{checkoutId}', schema: { type: 'string' } } };

@ApiTags('checkouts')
@Controller('checkouts')
export class CheckoutsController {
  constructor(
    private readonly process: CheckoutProcess,
    private readonly merchantCheckouts: MerchantCheckoutsRepository,
    @Inject(RECOVERY_OPTIONS) private readonly options: RecoveryOptions,
  ) {}

  @Post()
  @Callers('merchant')
  @ApiMerchantKey()
  @RequestLimited()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check out: screen, authorise, charge, capture',
    description:
      'Answers 200 with status completed or rejected (with a reason code). A checkout that cannot finish within the ' +
      'request (a callee down or not answering, or the time budget spent) answers 202 {checkoutId, status: pending} with ' +
      'Location: /checkouts/:id, and the platform finishes it by itself: completed, or compensated. The merchant and its ' +
      'Idempotency-Key name the checkout: a retry with the same key and body gets the same checkout and never charges ' +
      "twice; another merchant's equal key names another checkout. The same key with a different body is 409 " +
      'IDEMPOTENCY_KEY_REUSED.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: '1 to 255 printable characters, unique per checkout of this merchant',
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
    // A checkout this merchant started with the key keeps its id, however it was derived (a legacy one from the key alone).
    const known = await this.merchantCheckouts.idFor(merchantId, idempotencyKey);
    const checkoutId = known ?? checkoutIdFor(merchantId, idempotencyKey);
    // The view's row comes with the checkout's start (same transaction): none means a first request, whose
    // stream need not be read before its start is appended (the append at version 0 still checks).
    const run = this.process.checkout(checkoutId, idempotencyKey, request, actorOf(caller), { expectNew: known === undefined });
    const answer = await this.answer(checkoutId, reply, run);
    return caller.kind === 'merchant' ? merchantOutcomeOf(answer) : answer;
  }

  @Get()
  @Callers('merchant')
  @ApiMerchantKey()
  @RequestLimited()
  @ApiOperation({
    summary: "The caller's checkouts, newest first, a page at a time",
    description:
      "A merchant's key lists its own merchant's checkouts; the operator lists every merchant's, or one's with merchantId. " +
      'createdFrom is inclusive, createdTo exclusive. Pass the answer’s nextCursor as cursor, with the same filters, for the next page.',
  })
  @ApiQuery({ name: 'status', required: false, schema: { type: 'string', enum: [...LIST_STATUSES] } })
  @ApiQuery({ name: 'createdFrom', required: false, schema: { type: 'string', format: 'date-time' } })
  @ApiQuery({ name: 'createdTo', required: false, schema: { type: 'string', format: 'date-time' } })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: LIST_LIMIT_MAX, default: LIST_LIMIT_DEFAULT },
  })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } })
  @ApiQuery({
    name: 'merchantId',
    required: false,
    description: "A merchant's key may name only its own",
    schema: { type: 'string', format: 'uuid' },
  })
  @ApiOkResponse({ type: MerchantCheckoutPageAnswer })
  @ApiProblems({ 400: ['INVALID_STATUS', 'INVALID_DATE', 'INVALID_DATE_RANGE', 'INVALID_LIMIT', 'INVALID_CURSOR', 'INVALID_MERCHANT_ID'] })
  async list(@Query() query: CheckoutListQuery, @CurrentPrincipal() caller: Principal): Promise<MerchantCheckoutPageAnswer> {
    let filter;
    try {
      filter = parseListQuery(query);
    } catch (error) {
      if (error instanceof InvalidListQuery) throw new ProblemException(400, error.code, error.message);
      throw error;
    }
    if (caller.kind === 'merchant') {
      assertMerchantScope(caller, filter.merchantId ?? caller.merchantId);
      filter.merchantId = caller.merchantId;
    }
    const { rows, more } = await this.merchantCheckouts.list(filter);
    return { checkouts: rows.map(merchantViewOf), nextCursor: more ? cursorAfter(rows.at(-1)!.position) : null };
  }

  @Get(':id')
  @Callers('merchant')
  @ApiMerchantKey()
  @RequestLimited()
  @ApiOperation({
    summary: "The merchant's view of a checkout: amounts, items, times and a public outcome code",
    description:
      "A merchant's key sees only its own merchant's checkouts: another's id is 404, as an unknown one. Operators read " +
      'every step at GET /checkouts/{id}/internal.',
  })
  @ApiOkResponse({ type: MerchantCheckoutAnswer })
  @ApiProblems({ 400: ['BAD_REQUEST'], 404: ['CHECKOUT_NOT_FOUND'] })
  async get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<MerchantCheckoutView> {
    const row = await this.merchantCheckouts.find(id, caller.kind === 'merchant' ? caller.merchantId : undefined);
    if (!row) throw new DomainError('not-found', 'CHECKOUT_NOT_FOUND', `Checkout ${id} does not exist`);
    return merchantViewOf(row);
  }

  @Post(':id/compensate')
  @OperatorAction({
    role: 'operator',
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
    @CurrentPrincipal() caller: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ActingOperator() actor: string,
  ): Promise<CheckoutOutcome | PendingOutcome> {
    return this.answer(id, reply, this.process.abandon(id, 'OPERATOR_COMPENSATED', actor));
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
