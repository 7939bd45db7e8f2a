import { CommandMetadata } from '@app/domain';
import { Body, Controller, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectAggregate } from '@app/eventstore';
import { AccountAggregate, accountAggregate } from '../account.aggregate';
import { AccountCommand } from '../domain/account.commands';
import { AccountCommandAnswer, answerOf } from './account-answer';
import { accountIdPipe } from './account-params';
import { ApiProblems, CommandMeta } from '@app/platform';
import { AddPhoneNumberDto, NewAddressDto, UpdateLimitDto } from './open-account.dto';

/** Changes to an existing account; each answers the state it left, read from the stream. */
@ApiTags('accounts')
@Controller('accounts/:id')
export class AccountChangesController {
  constructor(@InjectAggregate(accountAggregate) private readonly accounts: AccountAggregate) {}

  @Put('limit')
  @ApiProblems({
    400: ['INVALID_ACCOUNT_ID', 'INVALID_LIMIT'],
    404: ['ACCOUNT_NOT_FOUND'],
    409: ['ACCOUNT_LOCKED', 'CONCURRENCY_CONFLICT'],
    422: ['LIMIT_EXCEEDED'],
  })
  @ApiOperation({ summary: 'Change the credit limit (422 LIMIT_EXCEEDED above the maximum, 409 ACCOUNT_LOCKED)' })
  @ApiOkResponse({ type: AccountCommandAnswer })
  updateLimit(@Param('id', accountIdPipe) id: string, @Body() body: UpdateLimitDto, @CommandMeta() metadata: CommandMetadata) {
    return this.run(id, { type: 'UpdateLimit', data: { id, newLimit: body.limit }, metadata });
  }

  @Put('address')
  @ApiProblems({ 400: ['INVALID_ACCOUNT_ID'], 404: ['ACCOUNT_NOT_FOUND'], 409: ['ACCOUNT_LOCKED', 'CONCURRENCY_CONFLICT'] })
  @ApiOperation({ summary: 'Replace the address' })
  @ApiOkResponse({ type: AccountCommandAnswer })
  updateAddress(@Param('id', accountIdPipe) id: string, @Body() body: NewAddressDto, @CommandMeta() metadata: CommandMetadata) {
    const address = { street: body.street, city: body.city, zip: body.zip, ...(body.country ? { country: body.country } : {}) };
    return this.run(id, { type: 'UpdateAddress', data: { id, address }, metadata });
  }

  @Post('phone-numbers')
  @ApiProblems({
    400: ['INVALID_ACCOUNT_ID', 'TOO_MANY_PHONE_NUMBERS'],
    404: ['ACCOUNT_NOT_FOUND'],
    409: ['ACCOUNT_LOCKED', 'CONCURRENCY_CONFLICT'],
  })
  @HttpCode(200)
  @ApiOperation({ summary: 'Add a phone number (a known one changes nothing)' })
  @ApiOkResponse({ type: AccountCommandAnswer })
  addPhoneNumber(@Param('id', accountIdPipe) id: string, @Body() body: AddPhoneNumberDto, @CommandMeta() metadata: CommandMetadata) {
    return this.run(id, { type: 'AddPhoneNumber', data: { id, phoneNumber: body.phoneNumber }, metadata });
  }

  @Post('lock')
  @ApiProblems({ 400: ['INVALID_ACCOUNT_ID'], 404: ['ACCOUNT_NOT_FOUND'], 409: ['CONCURRENCY_CONFLICT'] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Lock: the limit drops to 0, the status becomes locked, VIP status is revoked' })
  @ApiOkResponse({ type: AccountCommandAnswer })
  lock(@Param('id', accountIdPipe) id: string, @CommandMeta() metadata: CommandMetadata) {
    return this.run(id, { type: 'LockAccount', data: { id }, metadata });
  }

  @Post('unlock')
  @ApiProblems({ 400: ['INVALID_ACCOUNT_ID'], 404: ['ACCOUNT_NOT_FOUND'], 409: ['CONCURRENCY_CONFLICT'] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Unlock: the status becomes active again; the limit stays as it is (0 after a lock)' })
  @ApiOkResponse({ type: AccountCommandAnswer })
  unlock(@Param('id', accountIdPipe) id: string, @CommandMeta() metadata: CommandMetadata) {
    return this.run(id, { type: 'UnlockAccount', data: { id }, metadata });
  }

  @Post('vip')
  @ApiProblems({ 400: ['INVALID_ACCOUNT_ID'], 404: ['ACCOUNT_NOT_FOUND'], 409: ['ACCOUNT_LOCKED', 'CONCURRENCY_CONFLICT'] })
  @HttpCode(200)
  @ApiOperation({ summary: 'Grant VIP status to an active account (409 ACCOUNT_LOCKED); a lock revokes it' })
  @ApiOkResponse({ type: AccountCommandAnswer })
  grantVip(@Param('id', accountIdPipe) id: string, @CommandMeta() metadata: CommandMetadata) {
    return this.run(id, { type: 'GrantVipStatus', data: { id }, metadata });
  }

  private async run(id: string, command: AccountCommand): Promise<AccountCommandAnswer> {
    return answerOf(await this.accounts.execute(id, command));
  }
}
