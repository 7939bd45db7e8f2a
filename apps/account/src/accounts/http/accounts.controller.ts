import { CommandMetadata, DomainError } from '@app/domain';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { AccountCommands, accountStreamId } from '../account-commands';
import { AccountViewRepository } from '../projections/account-view.repository';
import { OpenAccountDto, UpdateLimitDto } from './open-account.dto';

const metadata = (): CommandMetadata => ({ now: new Date().toISOString(), actor: 'http' });

@ApiTags('accounts')
@Controller('accounts')
export class AccountsController {
  constructor(private readonly commands: AccountCommands, private readonly views: AccountViewRepository) {}

  @Post()
  @ApiOperation({ summary: 'Open an account' })
  async open(@Body() body: OpenAccountDto): Promise<{ id: string }> {
    const id = randomUUID();
    await this.commands.execute(accountStreamId(id), { type: 'OpenAccount', data: { id, ...body }, metadata: metadata() });
    return { id };
  }

  @Get(':id')
  @ApiOperation({ summary: 'The account read model (eventually consistent)' })
  async get(@Param('id', new ParseUUIDPipe()) id: string) {
    const view = await this.views.find(id);
    if (!view) throw new DomainError('not-found', 'ACCOUNT_NOT_FOUND', `Account ${id} does not exist`);
    return view;
  }

  @Put(':id/limit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the credit limit' })
  async updateLimit(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: UpdateLimitDto) {
    const result = await this.commands.execute(accountStreamId(id), {
      type: 'UpdateLimit',
      data: { id, newLimit: body.limit },
      metadata: metadata(),
    });
    return { id, limit: result.state.limit, version: result.version };
  }
}
