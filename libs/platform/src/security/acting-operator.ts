import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { actorOf, Principal, principalOfRequest } from './principal';

/**
 * The actor to record on an operator's command: `operator:<name>` of the authenticated operator.
 * When Ops acts for an operator it calls with a credential it signed naming that operator and
 * role (OperatorCredentials), which the guard verifies like any other: the principal is the named
 * operator, never a name taken from a header.
 */
export function actingOperator(principal: Principal | undefined): string {
  return principal?.kind === 'operator' ? actorOf(principal) : 'unknown';
}

/** The actor of this operator's request (actingOperator). */
export const ActingOperator = createParamDecorator((_: unknown, context: ExecutionContext): string =>
  actingOperator(principalOfRequest(context.switchToHttp().getRequest())),
);
