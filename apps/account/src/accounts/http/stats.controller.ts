import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CountryStatsAnswer } from './account-read-answers';
import { CountryStatsRepository } from '../projections/country-stats.repository';

@ApiTags('stats')
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: CountryStatsRepository) {}

  @Get('countries')
  @ApiOperation({ summary: 'Accounts and combined limits per country (read model)' })
  @ApiOkResponse({ type: [CountryStatsAnswer] })
  countries() {
    return this.stats.list();
  }
}
