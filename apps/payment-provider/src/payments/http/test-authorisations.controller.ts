import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthorisationsService } from '../authorisations.service';
import { Authorisation } from '../domain/authorisation';
import { AuthorisationView } from './authorise.dto';

/** Test-only: what the simulator holds for a reference; not registered when `PROVIDER_TEST_ROUTES=false`. */
@ApiTags('test')
@Controller('test/authorisations')
export class TestAuthorisationsController {
  constructor(private readonly authorisations: AuthorisationsService) {}

  @Get()
  @ApiOperation({ summary: 'Every authorisation made for a reference (a checkout id), whatever became of its answers' })
  @ApiQuery({ name: 'reference', required: true, schema: { type: 'string' } })
  @ApiOkResponse({ type: [AuthorisationView] })
  byReference(@Query('reference') reference: string): Authorisation[] {
    return this.authorisations.byReference(String(reference ?? ''));
  }
}
