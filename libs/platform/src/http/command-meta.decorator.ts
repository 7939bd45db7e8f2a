import { CommandMetadata } from '@app/domain';
import { commandMetadata } from '@app/eventstore';
import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { actorOf, principalOfRequest } from '../security/principal';
import { safeIdOf } from './correlation-id';

/**
 * The command's metadata: the time it is decided at, the authenticated principal as its actor (the
 * guard has run before any parameter is built), and the correlation id that the request's log
 * lines carry too (the request id: the caller's `x-correlation-id`, or a new one), plus the
 * caller's `x-causation-id` when sent.
 */
export const CommandMeta = createParamDecorator((_: unknown, context: ExecutionContext): CommandMetadata => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return commandMetadata(actorOf(principalOfRequest(request)), {
    correlationId: request.id,
    causationId: safeIdOf(request.headers['x-causation-id']),
  });
});
