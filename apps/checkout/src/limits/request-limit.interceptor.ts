import {
  DEFAULT_REQUEST_LIMIT,
  limitVerdict,
  MerchantKeyStatus,
  principalOfRequest,
  ProblemException,
  rateLimitHeaders,
  REQUEST_LIMITED_KEY,
  windowOf,
} from '@app/platform';
import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { from, Observable, switchMap } from 'rxjs';
import { RequestCounter } from './request-counter';

/**
 * Holds each merchant key to its merchant's request limit on the routes marked `@RequestLimited()`
 * (the checkout routes): every answer carries the draft RateLimit headers, and a request over
 * the quota is refused with 429 and Retry-After before its handler runs. Operators and services
 * are not limited. Should the count fail (database trouble), the request goes through unlimited:
 * the checkout itself needs the same database and will say so.
 */
@Injectable()
export class RequestLimitInterceptor implements NestInterceptor {
  private readonly logger = new Logger('RequestLimit');

  constructor(
    private readonly reflector: Reflector,
    private readonly status: MerchantKeyStatus,
    private readonly counter: RequestCounter,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || !this.reflector.get<boolean>(REQUEST_LIMITED_KEY, context.getHandler())) return next.handle();
    const principal = principalOfRequest(context.switchToHttp().getRequest());
    if (principal?.kind !== 'merchant') return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return from(this.admit(principal.merchantId, principal.keyId, reply)).pipe(switchMap(() => next.handle()));
  }

  private async admit(merchantId: string, keyId: string, reply: FastifyReply): Promise<void> {
    const limit = this.status.limitOf(merchantId) ?? DEFAULT_REQUEST_LIMIT;
    const now = Date.now();
    let count: number;
    try {
      count = await this.counter.count(keyId, windowOf(limit, now).startMs);
    } catch (error) {
      this.logger.warn(`Request not counted: ${(error as Error).message}`);
      return;
    }
    const verdict = limitVerdict(limit, count, now);
    void reply.headers(rateLimitHeaders(limit, verdict));
    if (!verdict.allowed)
      throw new ProblemException(
        429,
        'RATE_LIMITED',
        `This key may make ${limit.requests} requests per ${limit.windowSeconds} s; retry in ${verdict.resetSeconds} s`,
      );
  }
}
