import { ServiceName } from '@app/contracts';
import { createParamDecorator, ExecutionContext, ForbiddenException, SetMetadata } from '@nestjs/common';
import { OperatorRole } from './operator-roles';

/**
 * Who is calling: an operator (a named person with a role, or OPS_TOKEN's bootstrap administrator),
 * one of the platform's services, or a merchant with one of its API keys.
 */
export type Principal =
  | { kind: 'operator'; name: string; role: OperatorRole }
  | { kind: 'service'; service: ServiceName }
  /** `keyId`: which of the merchant's keys, for its limit and its "last used". */
  | { kind: 'merchant'; merchantId: string; keyId: string };

/** A caller a route admits besides the operator, who may call every route. */
export type CallerRule = `service:${ServiceName}` | 'merchant';

export const CALLERS_KEY = 'platform:callers';
export const PUBLIC_KEY = 'platform:public';

/**
 * Who besides the operator may call this route (the operator may call every route). A route
 * without it is the operator's alone: the global guard denies by default.
 */
export const Callers = (...rules: CallerRule[]) => SetMetadata(CALLERS_KEY, rules);

/** A route anyone may call (health, metrics, docs, the console's static page). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Where the guard leaves the authenticated principal on the request. */
export const PRINCIPAL_PROPERTY = 'principal';

export const principalOfRequest = (request: unknown): Principal | undefined =>
  (request as Record<string, Principal | undefined>)[PRINCIPAL_PROPERTY];

/**
 * The principal as the actor its commands' events record: the credential's subject
 * (`service:<name>`, `merchant:<id>`), or the operator (with the operator's name once principals carry one).
 */
export function actorOf(principal: Principal | undefined): string {
  if (!principal) return 'anonymous';
  switch (principal.kind) {
    case 'operator':
      return `operator:${principal.name}`;
    case 'service':
      return `service:${principal.service}`;
    case 'merchant':
      return `merchant:${principal.merchantId}`;
  }
}

/** The authenticated caller of this request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal | undefined =>
  principalOfRequest(context.switchToHttp().getRequest()),
);

/** A merchant key acts for its own merchant only: 403 for any other merchant's id. */
export function assertMerchantScope(principal: Principal | undefined, merchantId: string): void {
  if (principal?.kind === 'merchant' && principal.merchantId !== merchantId) {
    throw new ForbiddenException('This API key may act only for its own merchant');
  }
}
