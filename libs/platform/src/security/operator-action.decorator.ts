import { applyDecorators, HttpCode, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiProblems, ProblemCodes } from '../http/openapi-problems';
import { OperatorRole } from './operator-roles';
import { OPERATOR_ROLE_KEY, OperatorRoleGuard } from './operator-role.guard';

export interface OperatorActionOptions {
  /** The least role that may do it (OPERATOR_ROLES): `operator` for replays and the like, `admin` for consumers and keys. */
  role: OperatorRole;
  /** The problem codes the action may answer besides every route's (see ApiProblems). */
  problems?: ProblemCodes;
  /** Its success status: 200, or 201 for one that creates. */
  status?: 200 | 201;
}

/**
 * An operator's action: only an operator of at least `role` may call it, whatever the route's
 * `@Callers` say (OperatorRoleGuard), and its OpenAPI operation names the bearer scheme and its
 * problem codes.
 */
export const OperatorAction = ({ role, problems, status = 200 }: OperatorActionOptions): MethodDecorator =>
  applyDecorators(
    HttpCode(status),
    SetMetadata(OPERATOR_ROLE_KEY, role),
    UseGuards(OperatorRoleGuard),
    ApiBearerAuth(),
    ...(problems ? [ApiProblems(problems)] : []),
  );
