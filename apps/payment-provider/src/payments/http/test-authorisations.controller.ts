import { ApiProblems, ProblemException } from '@app/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthorisationsService } from '../authorisations.service';
import { Authorisation } from '../domain/authorisation';
import { AuthorisationView } from './authorise.dto';

const MAX_REFERENCE_LENGTH = 255;

/** Test-only: what the simulator holds for a reference; not registered when `PROVIDER_TEST_ROUTES=false`. */
@ApiTags('test')
@Controller('test/authorisations')
export class TestAuthorisationsController {
  constructor(private readonly authorisations: AuthorisationsService) {}

  @Get()
  @ApiOperation({ summary: 'Every authorisation made for a reference (a checkout id), whatever became of its answers' })
  @ApiQuery({ name: 'reference', required: true, schema: { type: 'string', minLength: 1, maxLength: MAX_REFERENCE_LENGTH } })
  @ApiOkResponse({ type: [AuthorisationView] })
  @ApiProblems({ 400: ['INVALID_REFERENCE'] })
  byReference(@Query('reference') reference: unknown): Authorisation[] {
    if (typeof reference !== 'string' || reference === '' || reference.length > MAX_REFERENCE_LENGTH)
      throw new ProblemException(400, 'INVALID_REFERENCE', `reference must be 1 to ${MAX_REFERENCE_LENGTH} characters.`);
    return this.authorisations.byReference(reference);
  }
}
