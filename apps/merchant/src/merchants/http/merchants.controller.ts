import { CommandMetadata, DomainError } from '@app/domain';
import { ApiProblems, Callers, CommandMeta } from '@app/platform';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MerchantAnswer, OnboardedMerchantAnswer, SalesLedgerAnswer } from './merchant-answers';
import { randomUUID } from 'node:crypto';
import { MerchantState } from '../domain/merchant.decider';
import { MerchantApiKeys } from '../keys/merchant-api-keys';
import { InjectAggregate } from '@app/eventstore';
import { MerchantAggregate, merchantAggregate } from '../merchant.aggregate';
import { SalesLedgerRepository } from '../projections/sales-ledger.repository';
import { BankAccountDto, OnboardMerchantDto, SalesQueryDto, SuspendMerchantDto } from './merchant.dto';

const view = (state: MerchantState, version: number) => ({
  id: state.id,
  name: state.name,
  country: state.country,
  bankAccount: state.bankAccount,
  status: state.status,
  ...(state.suspensionReason ? { suspensionReason: state.suspensionReason } : {}),
  version,
});

@ApiTags('merchants')
@Controller('merchants')
export class MerchantsController {
  constructor(
    @InjectAggregate(merchantAggregate) private readonly merchants: MerchantAggregate,
    private readonly sales: SalesLedgerRepository,
    private readonly apiKeys: MerchantApiKeys,
  ) {}

  @Post()
  @ApiProblems({ 400: ['INVALID_NAME', 'INVALID_COUNTRY', 'INVALID_IBAN', 'INVALID_BIC'] })
  @ApiOperation({ summary: 'Onboard a merchant (the IBAN is checked by its ISO 13616 checksum); answers its API key, shown this once' })
  @ApiCreatedResponse({ type: OnboardedMerchantAnswer })
  async onboard(@Body() body: OnboardMerchantDto, @CommandMeta() metadata: CommandMetadata): Promise<{ id: string; apiKey?: string }> {
    const id = randomUUID();
    await this.merchants.execute(id, { type: 'OnboardMerchant', data: { id, ...body }, metadata });
    const key = await this.apiKeys.issue(id);
    return key ? { id, apiKey: key.apiKey } : { id };
  }

  /**
   * Served from the write side, not a read model: Checkout asks on every checkout and must see a
   * suspension the moment it is recorded, which a projection behind the relay cannot promise.
   * `load` is the cached state plus one indexed read of newer events, so it stays fast.
   */
  @Get(':id')
  @Callers('service:checkout')
  @ApiProblems({ 400: ['BAD_REQUEST'], 404: ['MERCHANT_NOT_FOUND'] })
  @ApiOperation({ summary: 'The merchant, as of its latest event' })
  @ApiOkResponse({ type: MerchantAnswer })
  async get(@Param('id', new ParseUUIDPipe()) id: string) {
    const { state, version } = await this.merchants.load(id);
    if (!state.exists) throw notFound(id);
    return view(state, version);
  }

  @Put(':id/bank-account')
  @ApiProblems({ 400: ['BAD_REQUEST', 'INVALID_IBAN', 'INVALID_BIC'], 404: ['MERCHANT_NOT_FOUND'], 409: ['CONCURRENCY_CONFLICT'] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the payout bank account' })
  @ApiOkResponse({ type: MerchantAnswer })
  async changeBankAccount(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: BankAccountDto,
    @CommandMeta() metadata: CommandMetadata,
  ) {
    const result = await this.merchants.execute(id, {
      type: 'ChangeBankAccount',
      data: { id, bankAccount: { iban: body.iban, bic: body.bic } },
      metadata,
    });
    return view(result.state, result.version);
  }

  @Post(':id/suspend')
  @ApiProblems({ 400: ['BAD_REQUEST'], 404: ['MERCHANT_NOT_FOUND'], 409: ['CONCURRENCY_CONFLICT'] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Suspend the merchant: checkouts to it are refused' })
  @ApiOkResponse({ type: MerchantAnswer })
  async suspend(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: SuspendMerchantDto, @CommandMeta() metadata: CommandMetadata) {
    const result = await this.merchants.execute(id, {
      type: 'SuspendMerchant',
      data: { id, reason: body.reason },
      metadata,
    });
    return view(result.state, result.version);
  }

  @Post(':id/reinstate')
  @ApiProblems({ 400: ['BAD_REQUEST'], 404: ['MERCHANT_NOT_FOUND'], 409: ['CONCURRENCY_CONFLICT'] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Reinstate a suspended merchant' })
  @ApiOkResponse({ type: MerchantAnswer })
  async reinstate(@Param('id', new ParseUUIDPipe()) id: string, @CommandMeta() metadata: CommandMetadata) {
    const result = await this.merchants.execute(id, { type: 'ReinstateMerchant', data: { id }, metadata });
    return view(result.state, result.version);
  }

  @Get(':id/sales')
  @ApiProblems({ 400: ['BAD_REQUEST'], 404: ['MERCHANT_NOT_FOUND'] })
  @ApiOperation({ summary: 'The sales ledger: totals per currency and the latest sales (read model from checkout events)' })
  @ApiOkResponse({ type: SalesLedgerAnswer })
  async salesLedger(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: SalesQueryDto) {
    const { state } = await this.merchants.load(id);
    if (!state.exists) throw notFound(id);
    return this.sales.ledger(id, query.last ?? 20);
  }
}

const notFound = (id: string) => new DomainError('not-found', 'MERCHANT_NOT_FOUND', `Merchant ${id} does not exist`);
