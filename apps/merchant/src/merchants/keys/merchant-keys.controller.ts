import { DomainError } from '@app/domain';
import { InjectAggregate } from '@app/eventstore';
import {
  ApiMerchantKey,
  ApiProblems,
  assertMerchantScope,
  Callers,
  CurrentPrincipal,
  DEFAULT_REQUEST_LIMIT,
  merchantKeyPrefix,
  OperatorAction,
  Principal,
  ProblemException,
} from '@app/platform';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MerchantAggregate, merchantAggregate } from '../merchant.aggregate';
import { keyState, rolledKeyEnd } from './key-lifecycle';
import { MerchantApiKeys, MintedKey } from './merchant-api-keys';
import { MerchantKeyRow, MerchantKeysRepository } from './merchant-keys.repository';
import {
  MerchantKeyAnswer,
  MerchantKeysAnswer,
  MintedKeyAnswer,
  RequestLimitAnswer,
  RequestLimitDto,
  RolledKeyAnswer,
  RollKeyDto,
} from './merchant-keys.dto';

const KEY_ID = /^[0-9a-f]{16}$/;

const answerOf = <T extends MerchantKeyRow>(key: T, now = new Date()) => ({
  ...key,
  prefix: merchantKeyPrefix(key.id),
  state: keyState(key, now),
});

/**
 * A merchant's keys: listed (never the secret), minted, rolled and revoked, by the operator or by
 * the merchant with one of its own keys. A key id the merchant does not have is 404, whoever has
 * it, so ids cannot be probed.
 */
@ApiTags('merchant keys')
@Controller('merchants/:id')
export class MerchantKeysController {
  constructor(
    @InjectAggregate(merchantAggregate) private readonly merchants: MerchantAggregate,
    private readonly apiKeys: MerchantApiKeys,
    private readonly keys: MerchantKeysRepository,
  ) {}

  @Get('keys')
  @Callers('merchant')
  @ApiMerchantKey()
  @ApiOperation({ summary: 'The merchant’s API keys: id, prefix, state and times; never a secret' })
  @ApiOkResponse({ type: MerchantKeysAnswer })
  @ApiProblems({ 400: ['BAD_REQUEST'], 404: ['MERCHANT_NOT_FOUND'] })
  async list(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<MerchantKeysAnswer> {
    await this.existing(id, caller);
    const now = new Date();
    return { items: (await this.keys.list(id)).map((key) => answerOf(key, now)) };
  }

  @Post('keys')
  @Callers('merchant')
  @ApiMerchantKey()
  @HttpCode(201)
  @ApiOperation({ summary: 'Mint another API key; the key is shown this once' })
  @ApiCreatedResponse({ type: MintedKeyAnswer })
  @ApiProblems({ 400: ['BAD_REQUEST'], 404: ['MERCHANT_NOT_FOUND'], 503: ['KEY_SIGNING_UNAVAILABLE'] })
  async mint(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<MintedKeyAnswer> {
    await this.existing(id, caller);
    return answerOf(await this.issue(id));
  }

  @Post('keys/:keyId/roll')
  @Callers('merchant')
  @ApiMerchantKey()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Roll a key: mint its successor (shown this once) and let the old one work for expiresInHours more',
    description: 'A key that already ends sooner keeps its earlier end. A revoked key cannot be rolled (409 KEY_REVOKED).',
  })
  @ApiCreatedResponse({ type: RolledKeyAnswer })
  @ApiProblems({
    400: ['BAD_REQUEST'],
    404: ['MERCHANT_NOT_FOUND', 'KEY_NOT_FOUND'],
    409: ['KEY_REVOKED'],
    503: ['KEY_SIGNING_UNAVAILABLE'],
  })
  async roll(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('keyId') keyId: string,
    @Body() body: RollKeyDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<RolledKeyAnswer> {
    await this.existing(id, caller);
    const current = await this.ownKey(id, keyId);
    if (current.revokedAt) throw new DomainError('conflict', 'KEY_REVOKED', `Key ${keyId} is revoked; mint a new one instead`);
    const successor = await this.issue(id);
    const rolled = await this.keys.end(id, keyId, rolledKeyEnd(new Date(), body.expiresInHours), false);
    return { key: answerOf(successor), rolled: answerOf(rolled ?? current) };
  }

  @Delete('keys/:keyId')
  @Callers('merchant')
  @ApiMerchantKey()
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key at once: every verifier refuses it within the revocation bound (3 s)' })
  @ApiOkResponse({ type: MerchantKeyAnswer })
  @ApiProblems({ 400: ['BAD_REQUEST'], 404: ['MERCHANT_NOT_FOUND', 'KEY_NOT_FOUND'] })
  async revoke(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('keyId') keyId: string,
    @CurrentPrincipal() caller: Principal,
  ): Promise<MerchantKeyAnswer> {
    await this.existing(id, caller);
    await this.ownKey(id, keyId);
    return answerOf((await this.keys.end(id, keyId, new Date(), true))!);
  }

  @Get('request-limit')
  @ApiOperation({ summary: 'Operators: the request limit each of the merchant’s keys has on the checkout routes' })
  @ApiOkResponse({ type: RequestLimitAnswer })
  @ApiProblems({ 400: ['BAD_REQUEST'], 404: ['MERCHANT_NOT_FOUND'] })
  async limit(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<RequestLimitAnswer> {
    await this.existing(id, caller);
    const set = (await this.keys.status()).limits.find((l) => l.merchantId === id);
    return set ? { ...set } : { merchantId: id, ...DEFAULT_REQUEST_LIMIT, isDefault: true };
  }

  @Put('request-limit')
  @OperatorAction({ role: 'admin', problems: { 404: ['MERCHANT_NOT_FOUND'] } })
  @ApiOperation({ summary: 'Operators: set the request limit of each of the merchant’s keys on the checkout routes' })
  @ApiOkResponse({ type: RequestLimitAnswer })
  async setLimit(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RequestLimitDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<RequestLimitAnswer> {
    await this.existing(id, caller);
    await this.keys.setLimit(id, body.requests, body.windowSeconds);
    return { merchantId: id, requests: body.requests, windowSeconds: body.windowSeconds };
  }

  @Delete('request-limit')
  @OperatorAction({ role: 'admin', problems: { 404: ['MERCHANT_NOT_FOUND'] } })
  @ApiOperation({ summary: 'Operators: give the merchant’s keys the default request limit again' })
  @ApiOkResponse({ type: RequestLimitAnswer })
  async clearLimit(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<RequestLimitAnswer> {
    await this.existing(id, caller);
    await this.keys.clearLimit(id);
    return { merchantId: id, ...DEFAULT_REQUEST_LIMIT, isDefault: true };
  }

  /** 403 for another merchant's key, 404 for a merchant that does not exist. */
  private async existing(id: string, caller: Principal): Promise<void> {
    assertMerchantScope(caller, id);
    const { state } = await this.merchants.load(id);
    if (!state.exists) throw new DomainError('not-found', 'MERCHANT_NOT_FOUND', `Merchant ${id} does not exist`);
  }

  private async ownKey(merchantId: string, keyId: string): Promise<MerchantKeyRow> {
    const key = KEY_ID.test(keyId) ? await this.keys.find(merchantId, keyId) : undefined;
    if (!key) throw new DomainError('not-found', 'KEY_NOT_FOUND', `The merchant has no key ${keyId}`);
    return key;
  }

  private async issue(merchantId: string): Promise<MintedKey> {
    const minted = await this.apiKeys.issue(merchantId);
    if (!minted) throw new ProblemException(503, 'KEY_SIGNING_UNAVAILABLE', 'Merchant has no key signing key (MERCHANT_KEY_SIGNING_KEY)');
    return minted;
  }
}
