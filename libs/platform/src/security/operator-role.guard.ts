import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { OperatorRole, roleAllows } from './operator-roles';
import { principalOfRequest } from './principal';

export const OPERATOR_ROLE_KEY = 'platform:operator-role';

/**
 * Marks a route as an operator's action needing a role, whatever its `@Callers` say. The global
 * AuthGuard has already answered 401 to a request without a valid credential; this answers 403 to
 * any other principal, and to an operator whose role falls short.
 */
@Injectable()
export class OperatorRoleGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const principal = principalOfRequest(context.switchToHttp().getRequest());
    if (principal?.kind !== 'operator') throw new ForbiddenException('Only an operator may do this');
    const needs = this.reflector.get<OperatorRole | undefined>(OPERATOR_ROLE_KEY, context.getHandler()) ?? 'admin';
    if (!roleAllows(principal.role, needs)) {
      throw new ForbiddenException(`This needs the ${needs} role; operator ${principal.name} is a ${principal.role}`);
    }
    return true;
  }
}
