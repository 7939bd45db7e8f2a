import { DomainError, fold } from '@app/domain';
import { ProblemException } from '@app/platform';
import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { CheckoutCommands, checkoutStreamId } from '../checkout-commands';
import { checkoutDecider } from '../domain/checkout.decider';
import { CheckoutProcess } from '../process/checkout-process';
import { checkoutIdFor } from './checkout-id';
import { CheckoutOutcome, outcomeOf, viewOf } from './checkout.view';
import { StartCheckoutDto } from './start-checkout.dto';

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

@ApiTags('checkouts')
@Controller('checkouts')
export class CheckoutsController {
  constructor(private readonly process: CheckoutProcess, private readonly commands: CheckoutCommands) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check out: screen, authorise, charge, capture',
    description:
      'Answers 200 with status completed or rejected (with a reason code). The Idempotency-Key names the checkout: ' +
      'a retry with the same key and body gets the same outcome and never charges twice, and resumes a checkout a 503 ' +
      'interrupted. The same key with a different body is 409 IDEMPOTENCY_KEY_REUSED.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '1 to 255 printable characters, unique per checkout' })
  @ApiOkResponse({ description: '{checkoutId, status: completed|rejected, reason?, compensation?, total, currency}' })
  @ApiConflictResponse({ description: 'IDEMPOTENCY_KEY_REUSED' })
  @ApiServiceUnavailableResponse({ description: 'ACCOUNT_UNAVAILABLE, MERCHANT_UNAVAILABLE, FRAUD_UNAVAILABLE or PAYMENT_PROVIDER_UNAVAILABLE; retry with the same key' })
  async checkout(@Body() body: StartCheckoutDto, @Headers('idempotency-key') idempotencyKey: string | undefined): Promise<CheckoutOutcome> {
    if (idempotencyKey === undefined) throw new ProblemException(400, 'IDEMPOTENCY_KEY_REQUIRED', 'POST /checkouts needs an Idempotency-Key header.');
    if (!IDEMPOTENCY_KEY.test(idempotencyKey) || idempotencyKey.trim() === '') {
      throw new ProblemException(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1 to 255 printable characters.');
    }
    const { accountId, merchantId, items, currency } = body;
    const request = { accountId, merchantId, currency, items: items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })) };
    return outcomeOf(await this.process.checkout(checkoutIdFor(idempotencyKey), idempotencyKey, request));
  }

  @Get(':id')
  @ApiOperation({ summary: 'The checkout and every step it has recorded' })
  async get(@Param('id', new ParseUUIDPipe()) id: string) {
    const events = await this.commands.readStream(checkoutStreamId(id));
    if (events.length === 0) throw new DomainError('not-found', 'CHECKOUT_NOT_FOUND', `Checkout ${id} does not exist`);
    return viewOf(fold(checkoutDecider, events), events);
  }
}
