import { ApiProblems, Callers } from '@app/platform';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { KeyStatusAnswer, KeyStatusSyncDto } from './merchant-keys.dto';
import { MerchantKeysRepository } from './merchant-keys.repository';

/** The exchange every verifier of merchant keys makes once a poll interval (MerchantKeyStatusPoller). */
@ApiTags('merchant keys')
@Controller('merchant-keys')
export class KeyStatusController {
  constructor(private readonly keys: MerchantKeysRepository) {}

  @Post('sync')
  @Callers('service:checkout')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Verifiers: report the keys seen in use, get the keys that end, the suspended merchants and the set limits',
  })
  @ApiOkResponse({ type: KeyStatusAnswer })
  @ApiProblems({ 400: ['BAD_REQUEST'] })
  async sync(@Body() body: KeyStatusSyncDto): Promise<KeyStatusAnswer> {
    await this.keys.recordUse(body.used);
    return this.keys.status();
  }
}
