import { CanActivate, ExecutionContext, ForbiddenException, Injectable, Optional, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CredentialVerifier } from './credentials';
import { OperatorDirectory } from './operator-directory';
import { CALLERS_KEY, CallerRule, Principal, PRINCIPAL_PROPERTY, PUBLIC_KEY } from './principal';

type Request = { headers: Record<string, string | undefined> } & Record<string, unknown>;

function admits(principal: Principal, rules: readonly CallerRule[]): boolean {
  switch (principal.kind) {
    case 'operator':
      return true;
    case 'service':
      return rules.includes(`service:${principal.service}`);
    case 'merchant':
      return rules.includes('merchant');
  }
}

/**
 * The one gate of every route: `401` without a valid credential, `403` when the credential is
 * valid but the route's `@Callers` does not name it. Guards run before pipes and handlers, so a
 * refused request changes nothing. Routes marked `@Public()` skip it. A credential the verifier
 * does not know may still be a named operator's, where the service has an OperatorDirectory (Ops).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: CredentialVerifier,
    @Optional() private readonly operators?: OperatorDirectory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const principal = match ? await this.principalOf(match[1]) : undefined;
    if (!principal) throw new UnauthorizedException('This route needs "Authorization: Bearer <credential>" with a valid credential');
    const rules = this.reflector.getAllAndOverride<CallerRule[]>(CALLERS_KEY, targets) ?? [];
    if (!admits(principal, rules)) throw new ForbiddenException('This credential may not call this route');
    request[PRINCIPAL_PROPERTY] = principal;
    return true;
  }

  private async principalOf(credential: string): Promise<Principal | undefined> {
    const known = await this.verifier.verify(credential);
    if (known || !this.operators) return known;
    const operator = await this.operators.find(credential);
    return operator && { kind: 'operator', ...operator };
  }
}
