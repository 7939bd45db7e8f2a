import { NamedOperator, OperatorAction, OperatorActionOptions, principalOfRequest } from '@app/platform';
import { applyDecorators, createParamDecorator, ExecutionContext, ForbiddenException } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';

/** Where an Ops action's name travels to the recorder: Fastify's route config, which it reads even for a refused request. */
export const OPS_ACTION_CONFIG = 'opsAction';

export interface OpsActionOptions extends OperatorActionOptions {
  /** The action's name in `ops.operator_actions`, e.g. `dead-letter.replay`. */
  action: string;
}

/**
 * An operator's action on Ops: the role it needs (OperatorAction; 401 without a known credential,
 * 403 below the role), and its name, under which every request to it is recorded with its outcome
 * (OperatorActionRecorder), refused ones included.
 */
export const OpsAction = ({ action, ...options }: OpsActionOptions): MethodDecorator =>
  applyDecorators(OperatorAction(options), RouteConfig({ [OPS_ACTION_CONFIG]: action }));

/** Who the authenticated operator is: the audit's actor, never a header the caller chose. */
export const actorOf = (request: unknown): string => {
  const principal = principalOfRequest(request);
  if (!principal) return 'unauthenticated';
  return principal.kind === 'operator' ? principal.name : principal.kind === 'service' ? `service:${principal.service}` : 'merchant';
};

export const Operator = createParamDecorator((_: unknown, context: ExecutionContext): string =>
  actorOf(context.switchToHttp().getRequest()),
);

/**
 * The authenticated operator, name and role, for an action Ops forwards to another service on
 * their behalf (OpsServiceClients.onBehalfOf). Only on an `@OpsAction`, whose guard admits operators only.
 */
export const ActingFor = createParamDecorator((_: unknown, context: ExecutionContext): NamedOperator => {
  const principal = principalOfRequest(context.switchToHttp().getRequest());
  if (principal?.kind !== 'operator') throw new ForbiddenException('Only an operator may do this');
  return { name: principal.name, role: principal.role };
});
