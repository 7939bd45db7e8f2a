import { applyDecorators, HttpCode, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiProblems, ProblemCodes } from '../http/openapi-problems';
import { OpsTokenGuard } from './ops-token.guard';

export interface OperatorActionOptions {
  /** The problem codes the action may answer besides every route's (see ApiProblems). */
  problems?: ProblemCodes;
  /** Its success status: 200, or 201 for one that creates. */
  status?: 200 | 201;
}

/**
 * An operator's action: only the operator may call it, whatever the route's `@Callers` say
 * (OpsTokenGuard), and its OpenAPI operation names the bearer scheme and its problem codes.
 */
export const OperatorAction = ({ problems, status = 200 }: OperatorActionOptions = {}): MethodDecorator =>
  applyDecorators(HttpCode(status), UseGuards(OpsTokenGuard), ApiBearerAuth(), ...(problems ? [ApiProblems(problems)] : []));
