import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CountryStatsRepository } from '../projections/country-stats.repository';

@ApiTags('stats')
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: CountryStatsRepository) {}

  @Get('countries')
  @ApiOperation({ summary: 'Accounts and combined limits per country (read model)' })
  countries() {
    return this.stats.list();
  }
}
