import { ApiProblems, NamedOperator } from '@app/platform';
import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ActingFor, OpsAction } from '../../operators/operator.decorator';
import { MerchantWebhooksClient } from '../merchant-webhooks.client';
import {
  ReplayedWebhookFailuresAnswer,
  ReplayWebhookFailuresDto,
  WebhookFailuresPageAnswer,
  WebhookFailuresQuery,
} from './webhook-failures.dto';

// Merchant down or not answering, or refusing Ops' token.
const MERCHANT_UNREACHABLE = { 502: ['OPS_TOKEN_REJECTED'], 503: ['MERCHANT_UNAVAILABLE'] } as const;

/** Merchants' webhook deliveries that ran out of retries: Ops' dead-letter tool for them, over Merchant's operator routes. */
@ApiTags('webhook failures')
@Controller('webhook-failures')
export class WebhookFailuresController {
  constructor(private readonly merchant: MerchantWebhooksClient) {}

  @Get()
  @ApiOperation({ summary: 'Failed (exhausted) webhook deliveries across merchants, newest failure first; cursor paged' })
  @ApiOkResponse({ type: WebhookFailuresPageAnswer })
  @ApiProblems({ ...MERCHANT_UNREACHABLE, 400: ['BAD_REQUEST', 'INVALID_CURSOR'] })
  list(@Query() query: WebhookFailuresQuery, @ActingFor() operator: NamedOperator) {
    return this.merchant.failed(query, operator);
  }

  @Post('replay')
  @OpsAction({ action: 'webhook-deliveries.replay', role: 'operator', problems: { ...MERCHANT_UNREACHABLE, 400: ['BAD_REQUEST'] } })
  @ApiOperation({ summary: 'Send failed webhook deliveries again from a fresh retry schedule; audited' })
  @ApiOkResponse({ type: ReplayedWebhookFailuresAnswer })
  replay(@Body() body: ReplayWebhookFailuresDto, @ActingFor() operator: NamedOperator) {
    return this.merchant.replay(body.ids, operator);
  }
}
