import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { BOOTSTRAP_OPERATOR, OPERATOR_NAME } from './operator-roles';
import { Principal, principalOfRequest } from './principal';

/** The header in which Ops names the operator it calls another service for. */
export const OPERATOR_HEADER = 'x-operator';

/**
 * The actor to record on an operator's command: `operator:<name>` of the authenticated operator.
 * Ops calls the other services with OPS_TOKEN (the bootstrap principal) after authenticating the
 * operator itself, so only that token may name, in OPERATOR_HEADER, the operator it acts for; a
 * named operator's own credential never can.
 */
export function actingOperator(principal: Principal | undefined, header: string | string[] | undefined): string {
  if (principal?.kind !== 'operator') return 'unknown';
  const named = (Array.isArray(header) ? header[0] : header)?.trim();
  if (principal.name === BOOTSTRAP_OPERATOR && named && OPERATOR_NAME.test(named)) return `operator:${named}`;
  return `operator:${principal.name}`;
}

/** The actor of this operator's request (actingOperator). */
export const ActingOperator = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
  return actingOperator(principalOfRequest(request), request.headers[OPERATOR_HEADER]);
});
