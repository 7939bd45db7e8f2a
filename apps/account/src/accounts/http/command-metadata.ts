import { CommandMetadata } from '@app/domain';
import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

// The same rule the request logger applies: caller-supplied ids are short, plain tokens.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const safeId = (value: unknown): string | undefined => (typeof value === 'string' && SAFE_ID.test(value) ? value : undefined);

/**
 * The command's metadata: the time it is decided at, and the correlation id that the request's log
 * lines carry too (the caller's `x-correlation-id`, or the one the logger made up), plus the
 * caller's `x-causation-id` when sent.
 */
export const CommandMeta = createParamDecorator((_: unknown, context: ExecutionContext): CommandMetadata => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  const metadata: CommandMetadata = { now: new Date().toISOString(), actor: 'http' };
  const correlationId = safeId(request.headers['x-correlation-id']) ?? safeId(request.id);
  const causationId = safeId(request.headers['x-causation-id']);
  if (correlationId) metadata.correlationId = correlationId;
  if (causationId) metadata.causationId = causationId;
  return metadata;
});
