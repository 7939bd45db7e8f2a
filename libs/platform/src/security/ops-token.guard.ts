import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { PlatformConfig } from '../config/platform-config';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Guards operator actions with `Authorization: Bearer <OPS_TOKEN>`: 401 without a token, 403
 * with a wrong one. Without OPS_TOKEN configured every operator action is refused.
 */
@Injectable()
export class OpsTokenGuard implements CanActivate {
  constructor(private readonly config: PlatformConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new UnauthorizedException('Operator actions need "Authorization: Bearer <OPS_TOKEN>"');
    const expected = this.config.opsToken;
    // Hashing first makes the comparison constant-time whatever the lengths.
    if (!expected || !timingSafeEqual(digest(match[1]), digest(expected))) {
      throw new ForbiddenException('The operator token is not valid');
    }
    return true;
  }
}
