import { DomainError } from '@app/domain';
import { InjectAggregate } from '@app/eventstore';
import { ApiMerchantKey, ApiProblems, assertMerchantScope, Callers, CurrentPrincipal, Principal } from '@app/platform';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { MerchantAggregate, merchantAggregate } from '../../merchants/merchant.aggregate';
import { TEST_EVENT_TYPE, testNotificationBody } from '../domain/webhook-notification';
import { newWebhookSecret } from '../domain/webhook-signature';
import { deliveryWake } from '../delivery/delivery-wake';
import { webhooksConfig } from '../webhooks.config';
import { deliveryAnswerOf, endpointAnswerOf } from './webhook-answers';
import {
  CreateWebhookEndpointDto,
  DeliveriesQueryDto,
  ReplayDeliveriesDto,
  ReplayedDeliveriesAnswer,
  RotateSecretDto,
  WebhookDeliveriesAnswer,
  WebhookDeliveryAnswer,
  WebhookEndpointAnswer,
  WebhookEndpointsAnswer,
  WebhookEndpointWithSecretAnswer,
} from './webhook-endpoints.dto';
import { EndpointRow, WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { checkedWebhookUrl } from './webhook-url.check';

const NOT_FOUND = { 400: ['BAD_REQUEST'], 404: ['MERCHANT_NOT_FOUND', 'WEBHOOK_ENDPOINT_NOT_FOUND'] };

/**
 * A merchant's webhook endpoints, by the operator or by the merchant with its own key. An endpoint id
 * the merchant does not have is 404, whoever has it, so ids cannot be probed.
 */
@ApiTags('webhook endpoints')
@ApiMerchantKey()
@Callers('merchant')
@Controller('merchants/:id/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(
    @InjectAggregate(merchantAggregate) private readonly merchants: MerchantAggregate,
    private readonly endpoints: WebhookEndpointsRepository,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register an endpoint; its signing secret is shown this once' })
  @ApiCreatedResponse({ type: WebhookEndpointWithSecretAnswer })
  @ApiProblems({ 400: ['BAD_REQUEST', 'WEBHOOK_URL_REFUSED'], 404: ['MERCHANT_NOT_FOUND'], 409: ['WEBHOOK_ENDPOINT_EXISTS'] })
  async create(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: CreateWebhookEndpointDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<WebhookEndpointWithSecretAnswer> {
    await this.existing(id, caller);
    const url = await checkedWebhookUrl(body.url, webhooksConfig().target);
    const secret = newWebhookSecret();
    const created = await this.endpoints.create({ id: randomUUID(), merchantId: id, url, events: body.events, secret });
    if (!created) throw new DomainError('conflict', 'WEBHOOK_ENDPOINT_EXISTS', 'The merchant has an endpoint with this URL already');
    return { ...endpointAnswerOf(created), secret };
  }

  @Get()
  @ApiOperation({ summary: 'The merchant’s endpoints; never a secret' })
  @ApiOkResponse({ type: WebhookEndpointsAnswer })
  @ApiProblems({ 400: ['BAD_REQUEST'], 404: ['MERCHANT_NOT_FOUND'] })
  async list(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<WebhookEndpointsAnswer> {
    await this.existing(id, caller);
    return { items: (await this.endpoints.list(id)).map(endpointAnswerOf) };
  }

  @Get(':endpointId')
  @ApiOperation({ summary: 'One endpoint' })
  @ApiOkResponse({ type: WebhookEndpointAnswer })
  @ApiProblems(NOT_FOUND)
  async get(@Param('id', new ParseUUIDPipe()) id: string, @Param('endpointId') endpointId: string, @CurrentPrincipal() caller: Principal) {
    return endpointAnswerOf(await this.own(id, endpointId, caller));
  }

  @Delete(':endpointId')
  @ApiOperation({ summary: 'Remove an endpoint and its delivery log; nothing more is sent to it' })
  @ApiOkResponse({ type: WebhookEndpointAnswer })
  @ApiProblems(NOT_FOUND)
  async remove(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('endpointId') endpointId: string,
    @CurrentPrincipal() caller: Principal,
  ) {
    await this.own(id, endpointId, caller);
    return endpointAnswerOf((await this.endpoints.delete(id, endpointId)) ?? this.notFound(endpointId));
  }

  @Post(':endpointId/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A new signing secret (shown this once); the old one signs too for overlapHours',
    description: 'Meanwhile each notification carries both signatures: t=…,v1=<new>,v1=<old>.',
  })
  @ApiOkResponse({ type: WebhookEndpointWithSecretAnswer })
  @ApiProblems(NOT_FOUND)
  async rotate(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('endpointId') endpointId: string,
    @Body() body: RotateSecretDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<WebhookEndpointWithSecretAnswer> {
    await this.own(id, endpointId, caller);
    const secret = newWebhookSecret();
    const until = new Date(Date.now() + body.overlapHours * 3_600_000);
    return { ...endpointAnswerOf((await this.endpoints.rotate(id, endpointId, secret, until)) ?? this.notFound(endpointId)), secret };
  }

  @Post(':endpointId/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop sending to an endpoint; notifications of its checkouts are not recorded meanwhile' })
  @ApiOkResponse({ type: WebhookEndpointAnswer })
  @ApiProblems(NOT_FOUND)
  async disable(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('endpointId') endpointId: string,
    @CurrentPrincipal() caller: Principal,
  ) {
    await this.own(id, endpointId, caller);
    const by = caller.kind === 'merchant' ? 'merchant' : 'operator';
    return endpointAnswerOf((await this.endpoints.setEnabled(id, endpointId, false, by)) ?? this.notFound(endpointId));
  }

  @Post(':endpointId/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send to an endpoint again (after a merchant, an operator or its failures disabled it)' })
  @ApiOkResponse({ type: WebhookEndpointAnswer })
  @ApiProblems(NOT_FOUND)
  async enable(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('endpointId') endpointId: string,
    @CurrentPrincipal() caller: Principal,
  ) {
    await this.own(id, endpointId, caller);
    deliveryWake.wake();
    return endpointAnswerOf((await this.endpoints.setEnabled(id, endpointId, true, null)) ?? this.notFound(endpointId));
  }

  @Post(':endpointId/test')
  @HttpCode(202)
  @ApiOperation({ summary: `Send a test notification (type ${TEST_EVENT_TYPE}); follow it in the delivery log` })
  @ApiAcceptedResponse({ type: WebhookDeliveryAnswer })
  @ApiProblems(NOT_FOUND)
  async test(@Param('id', new ParseUUIDPipe()) id: string, @Param('endpointId') endpointId: string, @CurrentPrincipal() caller: Principal) {
    await this.own(id, endpointId, caller);
    const deliveryId = randomUUID();
    const delivery = await this.endpoints.addDelivery({
      id: deliveryId,
      endpointId,
      eventType: TEST_EVENT_TYPE,
      body: testNotificationBody(deliveryId, new Date()),
    });
    deliveryWake.wake();
    return deliveryAnswerOf(delivery);
  }

  @Get(':endpointId/deliveries')
  @ApiOperation({ summary: 'The delivery log, newest first: status, attempts, last answer code and latency' })
  @ApiOkResponse({ type: WebhookDeliveriesAnswer })
  @ApiProblems(NOT_FOUND)
  async deliveries(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('endpointId') endpointId: string,
    @Query() query: DeliveriesQueryDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<WebhookDeliveriesAnswer> {
    await this.own(id, endpointId, caller);
    return { items: (await this.endpoints.deliveries(endpointId, query.status, query.limit ?? 50)).map(deliveryAnswerOf) };
  }

  @Post(':endpointId/deliveries/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send deliveries again with a fresh retry schedule: the ones named, or every failed one' })
  @ApiOkResponse({ type: ReplayedDeliveriesAnswer })
  @ApiProblems(NOT_FOUND)
  async replay(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('endpointId') endpointId: string,
    @Body() body: ReplayDeliveriesDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<ReplayedDeliveriesAnswer> {
    await this.own(id, endpointId, caller);
    const replayed = await this.endpoints.replay(endpointId, body.deliveryIds);
    deliveryWake.wake();
    return { replayed };
  }

  /** 403 for another merchant's, 404 for a merchant that does not exist. */
  private async existing(id: string, caller: Principal): Promise<void> {
    assertMerchantScope(caller, id);
    const { state } = await this.merchants.load(id);
    if (!state.exists) throw new DomainError('not-found', 'MERCHANT_NOT_FOUND', `Merchant ${id} does not exist`);
  }

  private async own(merchantId: string, endpointId: string, caller: Principal): Promise<EndpointRow> {
    await this.existing(merchantId, caller);
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    return (UUID.test(endpointId) ? await this.endpoints.find(merchantId, endpointId) : undefined) ?? this.notFound(endpointId);
  }

  private notFound(endpointId: string): never {
    throw new DomainError('not-found', 'WEBHOOK_ENDPOINT_NOT_FOUND', `The merchant has no webhook endpoint ${endpointId}`);
  }
}
