import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiProblems, Callers, ProblemException } from '@app/platform';
import type { FastifyReply } from 'fastify';
import { AuthorisationsService } from '../authorisations.service';
import { Authorisation } from '../domain/authorisation';
import { signalOfCaller } from './abort-signal';
import { AuthorisationStatusAnswer, AuthorisationView, AuthorisedAnswer, AuthoriseDto } from './authorise.dto';

const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

// What the simulated behaviour (PUT /test/behaviour, PROVIDER_* settings) makes any call answer.
const SIMULATED = { 502: ['PROVIDER_ERROR'], 503: ['PROVIDER_UNAVAILABLE', 'PROVIDER_ABORTED'], 504: ['PROVIDER_TIMEOUT'] } as const;

@ApiTags('authorisations')
@Controller('authorisations')
@Callers('service:checkout')
export class AuthorisationsController {
  constructor(private readonly authorisations: AuthorisationsService) {}

  @Post()
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retry with the same key gets the first answer',
    schema: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH },
  })
  @ApiCreatedResponse({ type: AuthorisedAnswer })
  @ApiProblems({ ...SIMULATED, 400: ['INVALID_IDEMPOTENCY_KEY'], 409: ['IDEMPOTENCY_KEY_REUSED'], 502: ['PROVIDER_DECLINED'] })
  async authorise(
    @Body() body: AuthoriseDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    if (idempotencyKey !== undefined && (idempotencyKey.trim() === '' || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
      throw new ProblemException(400, 'INVALID_IDEMPOTENCY_KEY', `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`);
    }
    const { authorisationId, status, amount, currency } = await this.authorisations.authorise(body, idempotencyKey, signalOfCaller(res));
    return { authorisationId, status, amount, currency };
  }

  @Post(':id/capture')
  @HttpCode(200)
  @ApiOkResponse({ type: AuthorisationStatusAnswer })
  @ApiProblems({ ...SIMULATED, 404: ['AUTHORISATION_NOT_FOUND'], 409: ['AUTHORISATION_VOIDED'] })
  async capture(@Param('id') id: string, @Res({ passthrough: true }) res: FastifyReply) {
    const { authorisationId, status } = await this.authorisations.capture(id, signalOfCaller(res));
    return { authorisationId, status };
  }

  @Post(':id/void')
  @HttpCode(200)
  @ApiOkResponse({ type: AuthorisationStatusAnswer })
  @ApiProblems({ ...SIMULATED, 404: ['AUTHORISATION_NOT_FOUND'], 409: ['AUTHORISATION_CAPTURED'] })
  async void(@Param('id') id: string, @Res({ passthrough: true }) res: FastifyReply) {
    const { authorisationId, status } = await this.authorisations.void(id, signalOfCaller(res));
    return { authorisationId, status };
  }

  @Get()
  @ApiOperation({ summary: 'The authorisation made with an Idempotency-Key, also when its answer was lost (404 when none was made)' })
  @ApiQuery({ name: 'idempotencyKey', required: true, schema: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH } })
  @ApiOkResponse({ type: AuthorisationView })
  @ApiProblems({ ...SIMULATED, 400: ['INVALID_IDEMPOTENCY_KEY'], 404: ['AUTHORISATION_NOT_FOUND'] })
  byIdempotencyKey(
    @Query('idempotencyKey') idempotencyKey: unknown,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<Authorisation> {
    if (typeof idempotencyKey !== 'string' || idempotencyKey.trim() === '' || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new ProblemException(400, 'INVALID_IDEMPOTENCY_KEY', `idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`);
    }
    return this.authorisations.getByIdempotencyKey(idempotencyKey, signalOfCaller(res));
  }

  @Get(':id')
  @ApiOkResponse({ type: AuthorisationView })
  @ApiProblems({ ...SIMULATED, 404: ['AUTHORISATION_NOT_FOUND'] })
  get(@Param('id') id: string, @Res({ passthrough: true }) res: FastifyReply): Promise<Authorisation> {
    return this.authorisations.get(id, signalOfCaller(res));
  }
}
