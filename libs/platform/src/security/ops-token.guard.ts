import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { principalOfRequest } from './principal';

/**
 * Marks a route as the operator's alone, whatever its `@Callers` say. The global AuthGuard has
 * already answered 401 to a request without a valid credential; this refuses any other principal.
 */
@Injectable()
export class OpsTokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (principalOfRequest(context.switchToHttp().getRequest())?.kind !== 'operator')
      throw new ForbiddenException('Only an operator may do this');
    return true;
  }
}
