import { ServiceName } from '@app/contracts';
import { createParamDecorator, ExecutionContext, ForbiddenException, SetMetadata } from '@nestjs/common';

/** Who is calling: an operator, one of the platform's services, or a merchant with its API key. */
export type Principal =
  | { kind: 'operator' }
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
