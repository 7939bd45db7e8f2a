import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { REQUEST_LIMITED_EXTENSION } from '../http/openapi-problems';

export const REQUEST_LIMITED_KEY = 'platform:request-limited';

/**
 * Holds a merchant key calling this route to its request limit (the service's limit interceptor
 * enforces it), and documents the RateLimit headers and the 429 it may answer.
 */
export const RequestLimited = (): MethodDecorator =>
  applyDecorators(SetMetadata(REQUEST_LIMITED_KEY, true), ApiExtension(REQUEST_LIMITED_EXTENSION, true));
