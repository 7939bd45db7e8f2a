import { ArgumentsHost, Catch, ExceptionFilter, Logger, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable, throwError } from 'rxjs';
import { DownstreamUnavailableError } from './downstream-unavailable.error';
import { PROBLEM_CONTENT_TYPE, Problem } from './problem';
import { mapToProblem } from './problem-mapping';

// Nest's fallback handler for unmatched paths throws exactly this: an unknown path, not a handler's own 404.
const isNestNotFound = (exception: unknown, where: string): boolean =>
  exception instanceof NotFoundException && exception.message === `Cannot ${where}`;

/** The one global filter: every HTTP error leaves as `application/problem+json`. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    // Microservice handlers classify failures themselves (retry vs dead letter): give them the original.
    if (host.getType() !== 'http') return throwError(() => exception);

    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const where = `${request.method} ${request.url}`;
    const { problem, unexpected } = mapToProblem(exception, { routeMatched: !isNestNotFound(exception, where) });

    if (unexpected) {
      const error = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error(`${where} failed: ${error.message}`, error.stack);
    } else if (exception instanceof DownstreamUnavailableError) {
      const cause = exception.cause instanceof Error ? exception.cause.message : String(exception.cause ?? '');
      this.logger.warn(`${where}: ${exception.message}${cause ? ` (${cause})` : ''}`);
    }

    if (reply.raw.headersSent) {
      reply.raw.end();
      return;
    }
    sendProblem(reply, problem);
  }
}

export function sendProblem(reply: FastifyReply, problem: Problem): void {
  void reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
