import { NamedOperator } from '@app/platform';
import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ActingFor, OpsAction } from '../../operators/operator.decorator';
import { MerchantKeysClient } from '../merchant-keys.client';
import {
  OpsMerchantKeyAnswer,
  OpsMerchantKeysAnswer,
  OpsMintedKeyAnswer,
  OpsRolledKeyAnswer,
  RollMerchantKeyDto,
} from './merchant-keys.dto';

// Merchant down or not answering, or refusing Ops' credential.
const MERCHANT_UNREACHABLE = { 502: ['OPS_TOKEN_REJECTED'], 503: ['MERCHANT_UNAVAILABLE'] } as const;

/**
 * A merchant's API keys, managed by an admin through Ops: Ops calls Merchant's own key routes as
 * that admin (a credential it signs naming them), and records every request, refused ones included.
 */
@ApiTags('merchant keys')
@Controller('merchants/:id/keys')
export class OpsMerchantKeysController {
  constructor(private readonly keys: MerchantKeysClient) {}

  @Get()
  @OpsAction({
    action: 'merchant-keys.list',
    role: 'admin',
    problems: { ...MERCHANT_UNREACHABLE, 400: ['BAD_REQUEST'], 404: ['MERCHANT_NOT_FOUND'] },
  })
  @ApiOperation({ summary: 'Admins: the merchant’s API keys (id, prefix, state, times; never a secret)' })
  @ApiOkResponse({ type: OpsMerchantKeysAnswer })
  list(@Param('id', new ParseUUIDPipe()) id: string, @ActingFor() operator: NamedOperator) {
    return this.keys.list(id, operator);
  }

  @Post()
  @OpsAction({
    action: 'merchant-keys.mint',
    role: 'admin',
    status: 201,
    problems: { ...MERCHANT_UNREACHABLE, 400: ['BAD_REQUEST'], 404: ['MERCHANT_NOT_FOUND'] },
  })
  @ApiOperation({ summary: 'Admins: mint another key for the merchant; the key is shown this once' })
  @ApiCreatedResponse({ type: OpsMintedKeyAnswer })
  mint(@Param('id', new ParseUUIDPipe()) id: string, @ActingFor() operator: NamedOperator) {
    return this.keys.mint(id, operator);
  }

  @Post(':keyId/roll')
  @OpsAction({
    action: 'merchant-keys.roll',
    role: 'admin',
    status: 201,
    problems: { ...MERCHANT_UNREACHABLE, 400: ['BAD_REQUEST'], 404: ['MERCHANT_NOT_FOUND', 'KEY_NOT_FOUND'], 409: ['KEY_REVOKED'] },
  })
  @ApiOperation({ summary: 'Admins: roll a key: its successor at once (shown this once), the old key for expiresInHours more' })
  @ApiCreatedResponse({ type: OpsRolledKeyAnswer })
  roll(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('keyId') keyId: string,
    @Body() body: RollMerchantKeyDto,
    @ActingFor() operator: NamedOperator,
  ) {
    return this.keys.roll(id, keyId, body.expiresInHours, operator);
  }

  @Delete(':keyId')
  @OpsAction({
    action: 'merchant-keys.revoke',
    role: 'admin',
    problems: { ...MERCHANT_UNREACHABLE, 400: ['BAD_REQUEST'], 404: ['MERCHANT_NOT_FOUND', 'KEY_NOT_FOUND'] },
  })
  @ApiOperation({ summary: 'Admins: revoke a key at once; every verifier refuses it within 3 s' })
  @ApiOkResponse({ type: OpsMerchantKeyAnswer })
  revoke(@Param('id', new ParseUUIDPipe()) id: string, @Param('keyId') keyId: string, @ActingFor() operator: NamedOperator) {
    return this.keys.revoke(id, keyId, operator);
  }
}
